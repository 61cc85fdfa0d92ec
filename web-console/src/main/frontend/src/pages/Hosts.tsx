import { useState } from 'react';
import { Link } from 'react-router-dom';
import { postJson, type Host, type Network } from '../api';
import { useApi, useSubmit } from '../hooks';
import { Empty, ErrorNote, Loading } from '../components/States';
import { DeleteButton, Field } from '../components/Form';
import { NAME_HINT, NAME_PATTERN, labelsOf, labelsText } from '../admin/text';

/** The targets people reach: address, labels, network and pinned host key; admins add, edit, pin and unpin. */
export function Hosts({ admin }: { admin: boolean }) {
  const hosts = useApi<Host[]>('/hosts');
  const [editing, setEditing] = useState<Host | null>(null);
  const [pinning, setPinning] = useState<Host | null>(null);
  const done = () => { setEditing(null); setPinning(null); hosts.reload(); };

  return (
    <section aria-labelledby="hosts-title">
      <h1 id="hosts-title">Hosts</h1>
      {admin && !pinning && <HostForm key={editing?.name ?? 'new'} host={editing} onDone={done} />}
      {admin && pinning && <PinForm host={pinning} onDone={done} />}
      {hosts.error && <ErrorNote message={hosts.error} />}
      {!hosts.error && !hosts.value && <Loading what="hosts" />}
      {hosts.value?.length === 0 && <Empty>No hosts yet.</Empty>}
      {hosts.value && hosts.value.length > 0 && (
        <table className="grid">
          <thead><tr><th>Host</th><th>Address</th><th>Network</th><th>Labels</th><th>Host key</th><th /></tr></thead>
          <tbody>
            {hosts.value.map((h) => (
              <tr key={h.name} data-host={h.name}>
                <td>{h.name}</td><td className="mono">{h.address}</td><td>{h.network}</td>
                <td>{Object.entries(h.labels ?? {}).map(([k, v]) => <span key={k} className="label">{k}={v}</span>)}</td>
                <td>{h.hostKey ? <span title={h.hostKey}>{h.hostKeySource ?? 'pinned'}</span> : 'not pinned yet'}</td>
                <td className="actions">
                  <Link to={`/sessions?host=${encodeURIComponent(h.name)}`}>Sessions</Link>
                  {admin && <button type="button" onClick={() => { setPinning(null); setEditing(h); }}>Edit</button>}
                  {admin && <button type="button" onClick={() => { setEditing(null); setPinning(h); }}>Pin key</button>}
                  {admin && h.hostKey && <DeleteButton path={`/hosts/${encodeURIComponent(h.name)}/host-key`} label="Unpin"
                    confirmText={`Unpin the host key of ${h.name}? The next contact learns whatever key it presents.`} onDone={hosts.reload} />}
                  {admin && <DeleteButton path={`/hosts/${encodeURIComponent(h.name)}`} label="Delete"
                    confirmText={`Delete host ${h.name}?`} onDone={hosts.reload} />}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function HostForm({ host, onDone }: { host: Host | null; onDone: () => void }) {
  const networks = useApi<Network[]>('/networks');
  const [name, setName] = useState(host?.name ?? '');
  const [address, setAddress] = useState(host?.address ?? '');
  const [network, setNetwork] = useState(host?.network ?? 'direct');
  const [labels, setLabels] = useState(labelsText(host?.labels));
  const { busy, error, fieldErrors, submit } = useSubmit(async () => {
    const body = { name, address, network, labels: labelsOf(labels), hostKey: host?.hostKey ?? undefined };
    if (host) await postJson<Host>(`/hosts/${encodeURIComponent(host.name)}`, body, 'PUT');
    else await postJson<Host>('/hosts', body);
    onDone();
  });
  return (
    <form className="card admin-form" onSubmit={submit} aria-label={host ? `Edit host ${host.name}` : 'New host'}>
      <h2>{host ? `Edit host ${host.name}` : 'New host'}</h2>
      <Field label="Name" name="name" errors={fieldErrors} hint={NAME_HINT}>
        {(p) => <input {...p} required pattern={NAME_PATTERN} readOnly={host !== null} value={name} onChange={(e) => setName(e.target.value)} />}
      </Field>
      <Field label="Address" name="address" errors={fieldErrors} hint="host:port as reached inside its network">
        {(p) => <input {...p} required maxLength={300} placeholder="10.0.0.5:22" value={address} onChange={(e) => setAddress(e.target.value)} />}
      </Field>
      <Field label="Network" name="network" errors={fieldErrors}>
        {(p) => (
          <select {...p} value={network} onChange={(e) => setNetwork(e.target.value)}>
            {(networks.value ?? [{ name: 'direct' }]).map((n) => <option key={n.name} value={n.name}>{n.name}</option>)}
          </select>
        )}
      </Field>
      <Field label="Labels" name="labels" errors={fieldErrors} hint="key=value pairs, comma-separated">
        {(p) => <input {...p} placeholder="team=ops, env=prod" value={labels} onChange={(e) => setLabels(e.target.value)} />}
      </Field>
      {error && <ErrorNote message={error} />}
      <div className="actions">
        <button type="submit" className="primary" disabled={busy}>{host ? 'Save host' : 'Add host'}</button>
        {host && <button type="button" onClick={onDone}>Cancel</button>}
      </div>
    </form>
  );
}

function PinForm({ host, onDone }: { host: Host; onDone: () => void }) {
  const [hostKey, setHostKey] = useState(host.hostKey ?? '');
  const { busy, error, fieldErrors, submit } = useSubmit(async () => {
    await postJson<Host>(`/hosts/${encodeURIComponent(host.name)}/host-key`, { hostKey: hostKey.trim() }, 'PUT');
    onDone();
  });
  return (
    <form className="card admin-form" onSubmit={submit} aria-label={`Pin the host key of ${host.name}`}>
      <h2>Pin the host key of {host.name}</h2>
      <Field label="Host public key" name="hostKey" errors={fieldErrors} hint="one line, as in /etc/ssh/ssh_host_ed25519_key.pub">
        {(p) => <textarea {...p} rows={3} required className="mono" value={hostKey} onChange={(e) => setHostKey(e.target.value)} />}
      </Field>
      {error && <ErrorNote message={error} />}
      <div className="actions">
        <button type="submit" className="primary" disabled={busy}>Pin</button>
        <button type="button" onClick={onDone}>Cancel</button>
      </div>
    </form>
  );
}
