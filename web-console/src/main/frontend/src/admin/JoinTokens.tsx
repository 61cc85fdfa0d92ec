import { useState } from 'react';
import { getText, postJson, type CreatedJoinToken, type JoinToken, type Network } from '../api';
import { useApi, useSubmit } from '../hooks';
import { when } from '../format';
import { Empty, ErrorNote, Loading } from '../components/States';
import { DeleteButton, Field, ShownOnce } from '../components/Form';

/**
 * The agent's join, as a shell would run it inside the private network: the gateway's CA certificate into a file,
 * then `join` with the token on standard input (never on the command line, where `ps` would show it), then `run`.
 */
export function agentCommand(created: CreatedJoinToken, caPem: string, name: string, gateway: string): string {
  return [
    "cat > gateway-ca.pem <<'EOF'", caPem.trim(), 'EOF',
    `echo '${created.token}' | java -jar gatehouse-agent.jar join --gateway ${gateway} --network ${created.network} \\`,
    `    --name ${name} --token-file - --gateway-ca gateway-ca.pem --state-dir ./agent-state`,
    '# then, with agent.conf listing what it may reach (allow = 10.0.0.0/8:22; see the agent README):',
    'java -jar gatehouse-agent.jar run --config agent.conf --state-dir ./agent-state',
  ].join('\n');
}

/** One-time tokens that let a tunnel agent join a network: created here (shown once), listed, revoked. */
export function JoinTokens({ admin }: { admin: boolean }) {
  const tokens = useApi<JoinToken[]>('/join-tokens');
  return (
    <section aria-labelledby="join-title">
      <h1 id="join-title">Join tokens</h1>
      {admin && <NewJoinToken onCreated={tokens.reload} />}
      {tokens.error && <ErrorNote message={tokens.error} />}
      {!tokens.error && !tokens.value && <Loading what="join tokens" />}
      {tokens.value?.length === 0 && <Empty>No join tokens.</Empty>}
      {tokens.value && tokens.value.length > 0 && (
        <table className="grid">
          <thead><tr><th>Network</th><th>State</th><th>Expires</th><th>Created</th><th>By</th>{admin && <th />}</tr></thead>
          <tbody>
            {tokens.value.map((t) => (
              <tr key={t.id}>
                <td>{t.network}</td><td>{t.revokedAt ? 'revoked' : t.usedAt ? `used ${when(t.usedAt)}` : 'unused'}</td>
                <td>{when(t.expiresAt)}</td><td>{when(t.createdAt)}</td><td>{t.createdBy ?? '—'}</td>
                {admin && <td>{!t.revokedAt && !t.usedAt && <DeleteButton path={`/join-tokens/${t.id}`} label="Revoke"
                  confirmText={`Revoke this join token for ${t.network}?`} onDone={tokens.reload} />}</td>}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function NewJoinToken({ onCreated }: { onCreated: () => void }) {
  const networks = useApi<Network[]>('/networks');
  const agentNetworks = (networks.value ?? []).filter((n) => n.name !== 'direct');
  const [network, setNetwork] = useState('');
  const [name, setName] = useState('agent-1');
  const [ttlSeconds, setTtl] = useState('3600');
  // Where agents dial this gateway's tunnel listener: this console's host on the default tunnel port, to correct
  // when agents reach the gateway by another name or GATEHOUSE_TUNNEL_PORT is set.
  const [gateway, setGateway] = useState(`${window.location.hostname}:4443`);
  const [command, setCommand] = useState<string | null>(null);
  const { busy, error, fieldErrors, submit } = useSubmit(async () => {
    const created = (await postJson<CreatedJoinToken>('/join-tokens', {
      network: network || agentNetworks[0]?.name, ttlSeconds: Number(ttlSeconds),
    }))!;
    setCommand(agentCommand(created, await getText('/ca/x509'), name, gateway));
    onCreated();
  });
  return (
    <form className="card admin-form" onSubmit={submit} aria-label="New join token">
      <h2>New join token</h2>
      <Field label="Network" name="network" errors={fieldErrors}>
        {(p) => (
          <select {...p} value={network} onChange={(e) => setNetwork(e.target.value)}>
            {agentNetworks.map((n) => <option key={n.name} value={n.name}>{n.name}</option>)}
          </select>
        )}
      </Field>
      {networks.value && agentNetworks.length === 0 && <p className="muted small">Create a network first (Networks page).</p>}
      <Field label="Agent name (for the command line)" name="agentName" errors={fieldErrors}>
        {(p) => <input {...p} required pattern="[a-z0-9][a-z0-9._\-]{0,62}" value={name} onChange={(e) => setName(e.target.value)} />}
      </Field>
      <Field label="Gateway tunnel address (for the command line)" name="gateway" errors={fieldErrors}
        hint="host:port agents dial (GATEHOUSE_TUNNEL_PORT, 4443 by default)">
        {(p) => <input {...p} required value={gateway} onChange={(e) => setGateway(e.target.value)} />}
      </Field>
      <Field label="Valid for (seconds)" name="ttlSeconds" errors={fieldErrors} hint="60 to 604800">
        {(p) => <input {...p} type="number" min={60} max={604800} required value={ttlSeconds} onChange={(e) => setTtl(e.target.value)} />}
      </Field>
      {error && <ErrorNote message={error} />}
      <div className="actions"><button type="submit" className="primary" disabled={busy}>Create join token</button></div>
      {command && <ShownOnce title="Run this inside the network, where the agent jar is" text={command} testId="agent-command" />}
    </form>
  );
}
