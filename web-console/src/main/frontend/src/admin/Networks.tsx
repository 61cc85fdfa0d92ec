import { useState } from 'react';
import { postJson, type Network } from '../api';
import { useApi, useSubmit } from '../hooks';
import { ErrorNote, Loading } from '../components/States';
import { DeleteButton, Field } from '../components/Form';
import { NAME_HINT, NAME_PATTERN } from './text';

/** The private networks tunnel agents serve; `direct` (the gateway dials the host itself) always exists. */
export function Networks({ admin }: { admin: boolean }) {
  const networks = useApi<Network[]>('/networks');
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const { busy, error, fieldErrors, submit } = useSubmit(async () => {
    await postJson<Network>('/networks', { name, description: description || undefined });
    setName(''); setDescription('');
    networks.reload();
  });
  return (
    <section aria-labelledby="networks-title">
      <h1 id="networks-title">Networks</h1>
      {admin && (
        <form className="card admin-form" onSubmit={submit} aria-label="New network">
          <h2>New network</h2>
          <Field label="Name" name="name" errors={fieldErrors} hint={NAME_HINT}>
            {(p) => <input {...p} required pattern={NAME_PATTERN} value={name} onChange={(e) => setName(e.target.value)} />}
          </Field>
          <Field label="Description" name="description" errors={fieldErrors}>
            {(p) => <input {...p} maxLength={1000} value={description} onChange={(e) => setDescription(e.target.value)} />}
          </Field>
          {error && <ErrorNote message={error} />}
          <div className="actions"><button type="submit" className="primary" disabled={busy}>Create network</button></div>
        </form>
      )}
      {networks.error && <ErrorNote message={networks.error} />}
      {!networks.error && !networks.value && <Loading what="networks" />}
      {networks.value && (
        <table className="grid">
          <thead><tr><th>Network</th><th>Description</th>{admin && <th />}</tr></thead>
          <tbody>
            {networks.value.map((n) => (
              <tr key={n.name}>
                <td>{n.name}</td><td>{n.description ?? '—'}</td>
                {admin && <td>{n.name !== 'direct' && <DeleteButton path={`/networks/${encodeURIComponent(n.name)}`}
                  label="Delete" confirmText={`Delete network ${n.name}?`} onDone={networks.reload} />}</td>}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
