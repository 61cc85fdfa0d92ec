import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { postJson, type SshKey, type User } from '../api';
import { useApi, useSubmit } from '../hooks';
import { when } from '../format';
import { Empty, ErrorNote, Loading } from '../components/States';
import { DeleteButton, Field } from '../components/Form';
import { RolePicker } from './People';

/** One person: roles, disabled, console scope and password, and the SSH keys they log in with. */
export function Person({ admin }: { admin: boolean }) {
  const { username = '' } = useParams();
  const path = `/users/${encodeURIComponent(username)}`;
  const user = useApi<User>(path);
  return (
    <section aria-labelledby="person-title">
      <p><Link to="/people">← People</Link></p>
      <h1 id="person-title">{username}</h1>
      {user.error && <ErrorNote message={user.error} />}
      {!user.error && !user.value && <Loading what="person" />}
      {user.value && (admin ? <EditPerson key={JSON.stringify(user.value)} user={user.value} path={path} onSaved={user.reload} />
        : <ReadOnlyPerson user={user.value} />)}
      <Keys path={`${path}/keys`} admin={admin} />
    </section>
  );
}

function ReadOnlyPerson({ user }: { user: User }) {
  return (
    <dl className="facts">
      <div><dt>Roles</dt><dd>{user.roles.join(', ') || '—'}</dd></div>
      <div><dt>Console scope</dt><dd>{user.apiScope ?? '—'}</dd></div>
      <div><dt>State</dt><dd>{user.disabled ? 'disabled' : 'active'}</dd></div>
    </dl>
  );
}

function EditPerson({ user, path, onSaved }: { user: User; path: string; onSaved: () => void }) {
  const [roles, setRoles] = useState<string[]>(user.roles);
  const [apiScope, setApiScope] = useState<string>(user.apiScope ?? '');
  const [password, setPassword] = useState('');
  const save = (disabled: boolean) => postJson<User>(path, {
    username: user.username, roles, disabled, apiScope: apiScope || undefined, password: password || undefined,
  }, 'PUT').then(onSaved);
  const { busy, error, fieldErrors, submit } = useSubmit(() => save(user.disabled));
  const toggle = useSubmit(() => save(!user.disabled));
  return (
    <form className="card admin-form" onSubmit={submit} aria-label="Edit person">
      <p>
        <span className={`badge ${user.disabled ? 'denied' : 'success'}`} data-testid="person-state">
          {user.disabled ? 'disabled' : 'active'}</span>{' '}
        <button type="button" className={user.disabled ? '' : 'danger'} disabled={toggle.busy} onClick={() => void toggle.submit()}>
          {user.disabled ? 'Enable' : 'Disable (ends their live sessions)'}</button>
      </p>
      {toggle.error && <ErrorNote message={toggle.error} />}
      <RolePicker chosen={roles} onChange={setRoles} errors={fieldErrors} />
      <Field label="Console scope" name="apiScope" errors={fieldErrors}>
        {(p) => (
          <select {...p} value={apiScope} onChange={(e) => setApiScope(e.target.value)}>
            <option value="">none</option><option value="auditor">auditor</option><option value="admin">admin</option>
          </select>
        )}
      </Field>
      <Field label="New console password" name="password" errors={fieldErrors}
        hint={user.hasPassword ? 'a password is set; leave empty to keep it' : 'none set'}>
        {(p) => <input {...p} type="password" autoComplete="new-password" minLength={12} maxLength={256} value={password}
          onChange={(e) => setPassword(e.target.value)} />}
      </Field>
      {error && <ErrorNote message={error} />}
      <div className="actions"><button type="submit" className="primary" disabled={busy}>Save</button></div>
    </form>
  );
}

function Keys({ path, admin }: { path: string; admin: boolean }) {
  const keys = useApi<SshKey[]>(path);
  const [line, setLine] = useState('');
  const add = useSubmit(async () => {
    await postJson<SshKey>(path, { publicKey: line.trim() });
    setLine('');
    keys.reload();
  });
  return (
    <>
      <h2>SSH keys</h2>
      {keys.error && <ErrorNote message={keys.error} />}
      {keys.value?.length === 0 && <Empty>No keys: this person cannot log in with SSH yet.</Empty>}
      {keys.value && keys.value.length > 0 && (
        <table className="grid">
          <thead><tr><th>Fingerprint</th><th>Type</th><th>Comment</th><th>Added</th>{admin && <th />}</tr></thead>
          <tbody>
            {keys.value.map((k) => (
              <tr key={k.id}>
                <td className="mono" data-testid="fingerprint">{k.fingerprint}</td><td>{k.algorithm}</td>
                <td>{k.comment ?? '—'}</td><td>{when(k.createdAt)}</td>
                {admin && <td><DeleteButton path={`${path}/${encodeURIComponent(k.id)}`} label="Delete"
                  confirmText={`Delete key ${k.fingerprint}? Live sessions with it end.`} onDone={keys.reload} /></td>}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {admin && (
        <form className="card admin-form" onSubmit={add.submit} aria-label="Add key">
          <Field label="Public key (one line, as in ~/.ssh/id_ed25519.pub)" name="publicKey" errors={add.fieldErrors}>
            {(p) => <textarea {...p} required rows={3} className="mono" placeholder="ssh-ed25519 AAAA… alice@laptop"
              value={line} onChange={(e) => setLine(e.target.value)} />}
          </Field>
          {add.error && <ErrorNote message={add.error} />}
          <div className="actions"><button type="submit" className="primary" disabled={add.busy}>Add key</button></div>
        </form>
      )}
    </>
  );
}
