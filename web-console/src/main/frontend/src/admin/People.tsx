import { useState } from 'react';
import { Link } from 'react-router-dom';
import { postJson, type Role, type User } from '../api';
import { useApi, useSubmit } from '../hooks';
import { Empty, ErrorNote, Loading } from '../components/States';
import { Field, errorFor } from '../components/Form';
import { NAME_HINT, NAME_PATTERN } from './text';

/** Everyone the gateway knows: engineers (roles, keys) and console users (an API scope and a password). */
export function People({ admin }: { admin: boolean }) {
  const users = useApi<User[]>('/users');
  return (
    <section aria-labelledby="people-title">
      <h1 id="people-title">People</h1>
      {admin && <NewPerson onCreated={users.reload} />}
      {users.error && <ErrorNote message={users.error} />}
      {!users.error && !users.value && <Loading what="people" />}
      {users.value && users.value.length === 0 && <Empty>No people yet.</Empty>}
      {users.value && users.value.length > 0 && (
        <table className="grid">
          <thead><tr><th>Person</th><th>Roles</th><th>Console scope</th><th>Password</th><th>State</th></tr></thead>
          <tbody>
            {users.value.map((u) => (
              <tr key={u.username} data-user={u.username}>
                <td><Link to={`/people/${encodeURIComponent(u.username)}`}>{u.username}</Link></td>
                <td>{u.roles.map((r) => <span key={r} className="label">{r}</span>)}</td>
                <td>{u.apiScope ?? '—'}</td>
                <td>{u.hasPassword ? 'set' : '—'}</td>
                <td><span className={`badge ${u.disabled ? 'denied' : 'success'}`}>{u.disabled ? 'disabled' : 'active'}</span></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** Checkboxes for every role, with the API's problem for `roles` beside them. */
export function RolePicker({ chosen, onChange, errors }: {
  chosen: string[]; onChange: (roles: string[]) => void; errors: Record<string, string>;
}) {
  const roles = useApi<Role[]>('/roles');
  const problem = errorFor(errors, 'roles');
  return (
    <fieldset className={`field roles${problem ? ' invalid' : ''}`}>
      <legend>Roles</legend>
      {roles.error && <ErrorNote message={roles.error} />}
      {roles.value?.length === 0 && <span className="muted small">No roles yet: create one on the Roles page.</span>}
      {roles.value?.map((r) => (
        <label key={r.name} className="check">
          <input type="checkbox" name="roles" value={r.name} checked={chosen.includes(r.name)}
            onChange={(e) => onChange(e.target.checked ? [...chosen, r.name] : chosen.filter((c) => c !== r.name))} />
          {r.name}
        </label>
      ))}
      {problem && <span className="field-error small" data-field="roles" role="alert">{problem}</span>}
    </fieldset>
  );
}

function NewPerson({ onCreated }: { onCreated: () => void }) {
  const [username, setUsername] = useState('');
  const [roles, setRoles] = useState<string[]>([]);
  const [apiScope, setApiScope] = useState('');
  const [password, setPassword] = useState('');
  const { busy, error, fieldErrors, submit } = useSubmit(async () => {
    await postJson<User>('/users', { username, roles, apiScope: apiScope || undefined, password: password || undefined });
    setUsername(''); setRoles([]); setApiScope(''); setPassword('');
    onCreated();
  });
  return (
    <form className="card admin-form" onSubmit={submit} aria-label="New person">
      <h2>New person</h2>
      <Field label="Username" name="username" errors={fieldErrors} hint={NAME_HINT}>
        {(p) => <input {...p} required pattern={NAME_PATTERN} value={username} onChange={(e) => setUsername(e.target.value)} />}
      </Field>
      <RolePicker chosen={roles} onChange={setRoles} errors={fieldErrors} />
      <Field label="Console scope" name="apiScope" errors={fieldErrors} hint="none: SSH only">
        {(p) => (
          <select {...p} value={apiScope} onChange={(e) => setApiScope(e.target.value)}>
            <option value="">none</option><option value="auditor">auditor</option><option value="admin">admin</option>
          </select>
        )}
      </Field>
      <Field label="Console password" name="password" errors={fieldErrors} hint="12 to 256 characters; only with a scope">
        {(p) => <input {...p} type="password" autoComplete="new-password" minLength={12} maxLength={256} value={password}
          onChange={(e) => setPassword(e.target.value)} />}
      </Field>
      {error && <ErrorNote message={error} />}
      <div className="actions"><button type="submit" className="primary" disabled={busy}>Create person</button></div>
    </form>
  );
}
