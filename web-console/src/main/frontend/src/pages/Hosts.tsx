import { useLoad } from '../hooks';
import { Link } from 'react-router-dom';
import { getJson, type Host } from '../api';
import { Empty, ErrorNote, Loading } from '../components/States';

export function Hosts() {
  const { value: hosts, error } = useLoad(() => getJson<Host[]>('/hosts'), 'hosts');

  return (
    <section aria-labelledby="hosts-title">
      <h1 id="hosts-title">Hosts</h1>
      {error && <ErrorNote message={error} />}
      {!error && !hosts && <Loading what="hosts" />}
      {hosts && hosts.length === 0 && <Empty>No hosts yet. Add one with <code>POST /api/v1/hosts</code>.</Empty>}
      {hosts && hosts.length > 0 && (
        <table className="grid">
          <thead><tr><th>Host</th><th>Address</th><th>Network</th><th>Labels</th><th>Host key</th><th /></tr></thead>
          <tbody>
            {hosts.map((h) => (
              <tr key={h.name}>
                <td>{h.name}</td><td className="mono">{h.address}</td><td>{h.network}</td>
                <td>{Object.entries(h.labels ?? {}).map(([k, v]) => <span key={k} className="label">{k}={v}</span>)}</td>
                <td>{h.hostKey ? (h.hostKeySource ?? 'pinned') : 'not pinned yet'}</td>
                <td><Link to={`/sessions?host=${encodeURIComponent(h.name)}`}>Sessions</Link></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
