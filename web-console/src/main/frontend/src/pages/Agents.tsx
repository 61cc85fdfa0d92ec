import { useApi } from '../hooks';
import { type Agent } from '../api';
import { bytes, when } from '../format';
import { Empty, ErrorNote, Loading } from '../components/States';
import { DeleteButton } from '../components/Form';

/** Enrolled tunnel agents, each gateway node's link to them, and (admins) revocation. */
export function Agents({ admin }: { admin: boolean }) {
  const agents = useApi<Agent[]>('/agents');

  return (
    <section aria-labelledby="agents-title">
      <h1 id="agents-title">Tunnel agents</h1>
      {agents.error && <ErrorNote message={agents.error} />}
      {!agents.error && !agents.value && <Loading what="agents" />}
      {agents.value?.length === 0 && <Empty>No agents have joined yet. Create a join token (Join tokens page) and run the command it shows inside the network.</Empty>}
      {agents.value && agents.value.length > 0 && (
        <table className="grid">
          <thead><tr><th>Agent</th><th>Network</th><th>State</th><th>Links per gateway node</th><th>Version</th><th>Last seen</th><th>Joined</th>{admin && <th />}</tr></thead>
          <tbody>
            {agents.value.map((a) => (
              <tr key={a.id} data-agent={a.name}>
                <td>{a.name}<div className="mono small muted">{a.certSerial}</div></td><td>{a.network}</td>
                <td><span className={`badge ${a.connected ? 'running' : 'interrupted'}`} data-testid="agent-state">{a.connected ? 'connected' : 'not connected'}</span></td>
                <td>
                  {a.links.length === 0 ? <span className="muted">none</span> : (
                    <ul className="links">
                      {a.links.map((l) => (
                        <li key={l.node}><span className={`badge ${l.connected ? 'running' : 'interrupted'}`}>{l.connected ? 'up' : 'down'}</span>{' '}
                          <span className="mono small">{l.node}</span>{l.remoteAddress && <span className="muted small"> from {l.remoteAddress}</span>}
                          <div className="muted small">{l.openStreams} streams · {bytes(l.bytesIn)} in · {bytes(l.bytesOut)} out · {when(l.lastSeenAt)}</div>
                        </li>
                      ))}
                    </ul>
                  )}
                </td>
                <td>{a.version ?? '—'}</td><td>{when(a.lastSeenAt)}</td><td>{when(a.createdAt)}</td>
                {admin && <td><DeleteButton path={`/agents/${a.id}`} label="Revoke"
                  confirmText={`Revoke agent ${a.name}? Its links close and it must join again.`} onDone={agents.reload} /></td>}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
