import { useLoad } from '../hooks';
import { getJson, type Agent } from '../api';
import { when } from '../format';
import { Empty, ErrorNote, Loading } from '../components/States';

// Agents report in at least once a minute while their tunnels are up, so older than this reads as offline.
const ONLINE_WINDOW_MS = 2 * 60 * 1000;

export function online(agent: Agent, now = Date.now()): boolean {
  return agent.lastSeenAt !== null && now - new Date(agent.lastSeenAt).getTime() < ONLINE_WINDOW_MS;
}

export function Agents() {
  const { value: agents, error } = useLoad(() => getJson<Agent[]>('/agents'), 'agents');

  return (
    <section aria-labelledby="agents-title">
      <h1 id="agents-title">Tunnel agents</h1>
      {error && <ErrorNote message={error} />}
      {!error && !agents && <Loading what="agents" />}
      {agents && agents.length === 0 && <Empty>No agents have joined yet. Create a join token for a network and run <code>gatehouse-agent join</code> inside it.</Empty>}
      {agents && agents.length > 0 && (
        <table className="grid">
          <thead><tr><th>Agent</th><th>Network</th><th>State</th><th>Last seen</th><th>Version</th><th>Certificate</th><th>Joined</th></tr></thead>
          <tbody>
            {agents.map((a) => (
              <tr key={a.id}>
                <td>{a.name}</td><td>{a.network}</td>
                <td><span className={`badge ${online(a) ? 'running' : 'ended'}`}>{online(a) ? 'online' : 'offline'}</span></td>
                <td>{when(a.lastSeenAt)}</td><td>{a.version ?? '—'}</td><td className="mono small">{a.certSerial}</td>
                <td>{when(a.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
