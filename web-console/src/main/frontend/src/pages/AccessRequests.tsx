import { useState } from 'react';
import { postJson, type AccessRequest } from '../api';
import { useApi, useSubmit } from '../hooks';
import { Empty, ErrorNote, Loading } from '../components/States';
import { Field } from '../components/Form';
import { NAME_HINT, NAME_PATTERN } from '../admin/text';

/**
 * Just-in-time access: ask for a role for a while, see what came of it, and (admins and a role's approvers) approve
 * or deny what others asked. The gateway decides who may do what; this page only offers it.
 */
export function AccessRequests() {
  const mine = useApi<AccessRequest[]>('/access-requests?view=mine');
  const toDecide = useApi<AccessRequest[]>('/access-requests?view=to-decide');
  const reload = () => { mine.reload(); toDecide.reload(); };
  return (
    <section aria-labelledby="access-requests-title">
      <h1 id="access-requests-title">Access requests</h1>
      <RequestForm onDone={reload} />
      <h2>To decide</h2>
      <RequestTable loaded={toDecide} empty="Nothing waits for your decision." decide onDone={reload} />
      <h2>Mine</h2>
      <RequestTable loaded={mine} empty="You have asked for nothing yet." onDone={reload} />
    </section>
  );
}

function RequestForm({ onDone }: { onDone: () => void }) {
  const [role, setRole] = useState('');
  const [minutes, setMinutes] = useState('60');
  const [reason, setReason] = useState('');
  const { busy, error, fieldErrors, submit } = useSubmit(async () => {
    await postJson<AccessRequest>('/access-requests', { role, minutes: Number(minutes), reason });
    setReason('');
    onDone();
  });
  return (
    <form className="card admin-form" onSubmit={submit} aria-label="Request access">
      <h2>Request access</h2>
      <Field label="Role" name="role" errors={fieldErrors} hint={NAME_HINT}>
        {(p) => <input {...p} required pattern={NAME_PATTERN} value={role} onChange={(e) => setRole(e.target.value)} />}
      </Field>
      <Field label="Minutes" name="minutes" errors={fieldErrors} hint="how long the role is needed">
        {(p) => <input {...p} type="number" min={1} required value={minutes} onChange={(e) => setMinutes(e.target.value)} />}
      </Field>
      <Field label="Reason" name="reason" errors={fieldErrors} hint="a ticket or a sentence; at most 500 characters">
        {(p) => <input {...p} maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} />}
      </Field>
      {error && <ErrorNote message={error} />}
      <div className="actions"><button type="submit" className="primary" disabled={busy}>Request</button></div>
    </form>
  );
}

function RequestTable({ loaded, empty, decide = false, onDone }: {
  loaded: { value: AccessRequest[] | null; error: string | null }; empty: string; decide?: boolean; onDone: () => void;
}) {
  if (loaded.error) return <ErrorNote message={loaded.error} />;
  if (!loaded.value) return <Loading what="access requests" />;
  if (loaded.value.length === 0) return <Empty>{empty}</Empty>;
  return (
    <table className="grid">
      <thead><tr><th>Person</th><th>Role</th><th>Minutes</th><th>Reason</th><th>Status</th><th>Decided by</th><th>Until</th><th /></tr></thead>
      <tbody>
        {loaded.value.map((r) => (
          <tr key={r.id} data-request={r.id} data-status={r.status}>
            <td>{r.username}</td><td>{r.role}</td><td>{r.minutes}</td><td className="small">{r.reason}</td>
            <td>{r.status}</td><td>{r.decidedBy ?? '—'}</td>
            <td className="small">{r.expiresAt ? new Date(r.expiresAt).toLocaleString() : '—'}</td>
            <td className="actions">
              {decide && <Act id={r.id} action="approve" label={`Approve ${r.username} ${r.role}`} text="Approve" onDone={onDone} />}
              {decide && <Act id={r.id} action="deny" label={`Deny ${r.username} ${r.role}`} text="Deny" onDone={onDone} />}
              {!decide && r.status === 'pending' && <Act id={r.id} action="cancel" label={`Cancel ${r.role}`} text="Cancel" onDone={onDone} />}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Act({ id, action, label, text, onDone }: {
  id: string; action: 'approve' | 'deny' | 'cancel'; label: string; text: string; onDone: () => void;
}) {
  const { busy, error, submit } = useSubmit(async () => {
    await postJson<AccessRequest>(`/access-requests/${encodeURIComponent(id)}/${action}`, undefined);
    onDone();
  });
  return (
    <>
      <button type="button" aria-label={label} disabled={busy} onClick={() => void submit()}>{text}</button>
      {error && <ErrorNote message={error} />}
    </>
  );
}
