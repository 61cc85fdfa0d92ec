import { useState } from 'react';
import { postJson, type ApiTokenView, type CreatedApiToken } from '../api';
import { useApi, useSubmit } from '../hooks';
import { when } from '../format';
import { Empty, ErrorNote, Loading } from '../components/States';
import { DeleteButton, Field, ShownOnce } from '../components/Form';
import { NAME_HINT, NAME_PATTERN } from './text';

/** Named bearer tokens for automation: a scope and an expiry; the secret is shown once, on creation. */
export function ApiTokens({ admin }: { admin: boolean }) {
  const tokens = useApi<ApiTokenView[]>('/api-tokens');
  const [name, setName] = useState('');
  const [scope, setScope] = useState('auditor');
  const [days, setDays] = useState('90');
  const [secret, setSecret] = useState<string | null>(null);
  const { busy, error, fieldErrors, submit } = useSubmit(async () => {
    const created = await postJson<CreatedApiToken>('/api-tokens', { name, scope, ttlSeconds: Math.round(Number(days) * 86400) });
    setSecret(created!.token);
    setName('');
    tokens.reload();
  });
  return (
    <section aria-labelledby="tokens-title">
      <h1 id="tokens-title">API tokens</h1>
      {admin && (
        <form className="card admin-form" onSubmit={submit} aria-label="New API token">
          <h2>New API token</h2>
          <Field label="Name" name="name" errors={fieldErrors} hint={NAME_HINT}>
            {(p) => <input {...p} required pattern={NAME_PATTERN} value={name} onChange={(e) => setName(e.target.value)} />}
          </Field>
          <Field label="Scope" name="scope" errors={fieldErrors}>
            {(p) => (
              <select {...p} value={scope} onChange={(e) => setScope(e.target.value)}>
                <option value="auditor">auditor (read)</option><option value="admin">admin (read and change)</option>
              </select>
            )}
          </Field>
          <Field label="Expires after (days)" name="ttlSeconds" errors={fieldErrors} hint="up to 3 years">
            {(p) => <input {...p} type="number" min={1} max={1095} step="any" required value={days} onChange={(e) => setDays(e.target.value)} />}
          </Field>
          {error && <ErrorNote message={error} />}
          <div className="actions"><button type="submit" className="primary" disabled={busy}>Create token</button></div>
          {secret && <ShownOnce title="The token (Authorization: Bearer …)" text={secret} testId="api-token" />}
        </form>
      )}
      {tokens.error && <ErrorNote message={tokens.error} />}
      {!tokens.error && !tokens.value && <Loading what="API tokens" />}
      {tokens.value?.length === 0 && <Empty>No API tokens.</Empty>}
      {tokens.value && tokens.value.length > 0 && (
        <table className="grid">
          <thead><tr><th>Name</th><th>Scope</th><th>State</th><th>Expires</th><th>Created</th><th>By</th>{admin && <th />}</tr></thead>
          <tbody>
            {tokens.value.map((t) => (
              <tr key={t.id}>
                <td>{t.name}</td><td>{t.scope}</td><td>{t.revokedAt ? `revoked ${when(t.revokedAt)}` : 'active'}</td>
                <td>{when(t.expiresAt)}</td><td>{when(t.createdAt)}</td><td>{t.createdBy ?? '—'}</td>
                {admin && <td>{!t.revokedAt && <DeleteButton path={`/api-tokens/${t.id}`} label="Revoke"
                  confirmText={`Revoke API token ${t.name}?`} onDone={tokens.reload} />}</td>}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
