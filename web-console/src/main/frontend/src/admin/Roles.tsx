import { useState } from 'react';
import { postJson, type Role } from '../api';
import { useApi, useSubmit } from '../hooks';
import { Empty, ErrorNote, Loading } from '../components/States';
import { DeleteButton, Field } from '../components/Form';
import { NAME_HINT, NAME_PATTERN, labelsOf, labelsText, listOf, seconds } from './text';

/** What people may reach: logins on the hosts a label selector picks, forwards, and how long a session may last. */
export function Roles({ admin }: { admin: boolean }) {
  const roles = useApi<Role[]>('/roles');
  const [editing, setEditing] = useState<Role | null>(null);
  return (
    <section aria-labelledby="roles-title">
      <h1 id="roles-title">Roles</h1>
      {admin && <RoleForm key={editing?.name ?? 'new'} role={editing} onDone={() => { setEditing(null); roles.reload(); }} />}
      {roles.error && <ErrorNote message={roles.error} />}
      {!roles.error && !roles.value && <Loading what="roles" />}
      {roles.value?.length === 0 && <Empty>No roles yet.</Empty>}
      {roles.value && roles.value.length > 0 && (
        <table className="grid">
          <thead><tr><th>Role</th><th>Logins</th><th>Hosts labelled</th><th>Forward destinations</th><th>Forwarding</th><th>Longest session</th><th>Detached grace</th><th>Approval</th>{admin && <th />}</tr></thead>
          <tbody>
            {roles.value.map((r) => (
              <tr key={r.name} data-role={r.name}>
                <td>{r.name}</td><td className="mono">{r.logins.join(', ')}</td>
                <td>{Object.entries(r.hostLabels).map(([k, v]) => <span key={k} className="label">{k}={v}</span>)}</td>
                <td className="mono small">{r.forwardDestinations.join(', ') || '—'}</td>
                <td className="small">{forwarding(r)}</td>
                <td>{seconds(r.maxSessionSeconds)}</td>
                <td>{r.detachedSeconds ? seconds(r.detachedSeconds) : 'none'}</td>
                <td className="small">{r.requireSso ? 'instead of a key' : r.requireApproval ? 'after the key' : 'none'}</td>
                {admin && (
                  <td className="actions">
                    <button type="button" onClick={() => setEditing(r)}>Edit</button>
                    <DeleteButton path={`/roles/${encodeURIComponent(r.name)}`} label="Delete"
                      confirmText={`Delete role ${r.name}? Its holders lose what it grants.`} onDone={roles.reload} />
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function forwarding(r: Role): string {
  const on = [r.portForwarding && 'in-session (-L/-D)', r.allowRemoteForwarding && 'remote (-R)', r.allowAgentForwarding && 'agent (-A)'];
  return on.filter(Boolean).join(', ') || 'none';
}

function RoleForm({ role, onDone }: { role: Role | null; onDone: () => void }) {
  const [name, setName] = useState(role?.name ?? '');
  const [logins, setLogins] = useState(role?.logins.join(', ') ?? '');
  const [labels, setLabels] = useState(labelsText(role?.hostLabels));
  const [destinations, setDestinations] = useState(role?.forwardDestinations.join('\n') ?? '');
  const [maxSessionSeconds, setMax] = useState(String(role?.maxSessionSeconds ?? 28800));
  const [detachedSeconds, setDetached] = useState(String(role?.detachedSeconds ?? 600));
  const [approvers, setApprovers] = useState(role?.approvers.join(', ') ?? '');
  const [maxRequestMinutes, setMaxRequest] = useState(role?.maxRequestMinutes == null ? '' : String(role.maxRequestMinutes));
  const [flags, setFlags] = useState({
    portForwarding: role?.portForwarding ?? false, allowRemoteForwarding: role?.allowRemoteForwarding ?? false,
    allowAgentForwarding: role?.allowAgentForwarding ?? false,
    requireSso: role?.requireSso ?? false, requireApproval: role?.requireApproval ?? false,
  });
  const { busy, error, fieldErrors, submit } = useSubmit(async () => {
    const body = {
      name, logins: listOf(logins), hostLabels: labelsOf(labels), forwardDestinations: listOf(destinations),
      maxSessionSeconds: Number(maxSessionSeconds), detachedSeconds: Number(detachedSeconds), ...flags,
      approvers: listOf(approvers), maxRequestMinutes: maxRequestMinutes === '' ? null : Number(maxRequestMinutes),
    };
    if (role) await postJson<Role>(`/roles/${encodeURIComponent(role.name)}`, body, 'PUT');
    else await postJson<Role>('/roles', body);
    onDone();
  });
  const flag = (key: keyof typeof flags, text: string) => (
    <label className="check"><input type="checkbox" name={key} checked={flags[key]}
      onChange={(e) => setFlags({ ...flags, [key]: e.target.checked })} />{text}</label>
  );
  return (
    <form className="card admin-form" onSubmit={submit} aria-label={role ? `Edit role ${role.name}` : 'New role'}>
      <h2>{role ? `Edit role ${role.name}` : 'New role'}</h2>
      <Field label="Name" name="name" errors={fieldErrors} hint={NAME_HINT}>
        {(p) => <input {...p} required pattern={NAME_PATTERN} readOnly={role !== null} value={name} onChange={(e) => setName(e.target.value)} />}
      </Field>
      <Field label="Logins on the targets" name="logins" errors={fieldErrors} hint="comma-separated Unix logins, e.g. root, deploy">
        {(p) => <input {...p} value={logins} onChange={(e) => setLogins(e.target.value)} />}
      </Field>
      <Field label="Hosts labelled" name="hostLabels" errors={fieldErrors} hint="key=value pairs, all must match; *=* picks every host">
        {(p) => <input {...p} value={labels} onChange={(e) => setLabels(e.target.value)} />}
      </Field>
      <Field label="Forward destinations" name="forwardDestinations" errors={fieldErrors}
        hint="one per line: host:port, * patterns, CIDR:port (10.20.0.0/16:5432)">
        {(p) => <textarea {...p} rows={2} className="mono" value={destinations} onChange={(e) => setDestinations(e.target.value)} />}
      </Field>
      <Field label="Longest session (seconds)" name="maxSessionSeconds" errors={fieldErrors} hint="60 to 604800">
        {(p) => <input {...p} type="number" min={60} max={604800} required value={maxSessionSeconds} onChange={(e) => setMax(e.target.value)} />}
      </Field>
      <Field label="Detached grace (seconds)" name="detachedSeconds" errors={fieldErrors}
        hint="how long a shell whose connection broke waits for re-attach; 0 to 86400, 0: not kept">
        {(p) => <input {...p} type="number" min={0} max={86400} required value={detachedSeconds} onChange={(e) => setDetached(e.target.value)} />}
      </Field>
      <Field label="Access request approvers" name="approvers" errors={fieldErrors}
        hint="people who may approve requests for this role besides admins, comma-separated">
        {(p) => <input {...p} value={approvers} onChange={(e) => setApprovers(e.target.value)} />}
      </Field>
      <Field label="Longest access request (minutes)" name="maxRequestMinutes" errors={fieldErrors} hint="empty: the gateway's limit">
        {(p) => <input {...p} type="number" min={1} max={10080} value={maxRequestMinutes} onChange={(e) => setMaxRequest(e.target.value)} />}
      </Field>
      <fieldset className="field"><legend>Forwarding</legend>
        {flag('portForwarding', 'inside sessions (-L, -D to the target)')}
        {flag('allowRemoteForwarding', 'remote (-R)')}
        {flag('allowAgentForwarding', 'agent (-A)')}
      </fieldset>
      <fieldset className="field"><legend>SSH login approved in the browser</legend>
        {flag('requireSso', 'instead of a key (no key accepted)')}
        {flag('requireApproval', 'after the key, for every login')}
      </fieldset>
      {error && <ErrorNote message={error} />}
      <div className="actions">
        <button type="submit" className="primary" disabled={busy}>{role ? 'Save role' : 'Create role'}</button>
        {role && <button type="button" onClick={onDone}>Cancel</button>}
      </div>
    </form>
  );
}
