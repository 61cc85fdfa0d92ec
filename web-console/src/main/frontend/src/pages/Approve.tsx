import { useState } from 'react';
import { useParams } from 'react-router-dom';
import { answerApproval, type SshApproval } from '../api';
import { useApi, useSubmit } from '../hooks';
import { when } from '../format';
import { ErrorNote, Loading } from '../components/States';

/**
 * The page behind the short link an SSH login shows (`/approve/<code>`): the person it is for sees what is asking
 * and approves or denies it; the waiting `ssh` goes on (or is refused, with the reason) within a second.
 */
export function Approve() {
  const { code = '' } = useParams();
  const approval = useApi<SshApproval>(`/ssh-approvals/${encodeURIComponent(code)}`);
  const [reason, setReason] = useState('');
  const [answered, setAnswered] = useState<'approved' | 'denied' | null>(null);
  const approve = useSubmit(async () => setAnswered((await answerApproval(code, 'approve')).outcome as 'approved'));
  const deny = useSubmit(async () => setAnswered((await answerApproval(code, 'deny', reason)).outcome as 'denied'));

  if (answered) {
    return (
      <section className="card approval" aria-labelledby="approval-title">
        <h1 id="approval-title">{answered === 'approved' ? 'Approved' : 'Denied'}</h1>
        <p data-testid="approval-outcome">{answered === 'approved'
          ? 'The SSH login goes on; you can close this page.'
          : 'The SSH login was refused' + (reason ? ` with your reason: ${reason}` : '.')}</p>
      </section>
    );
  }
  if (approval.error) return <ErrorNote message={approval.error} />;
  const a = approval.value;
  if (!a) return <Loading what="approval" />;
  const error = approve.error ?? deny.error;
  return (
    <section className="card approval" aria-labelledby="approval-title">
      <h1 id="approval-title">An SSH login is waiting for you</h1>
      <p className="muted">Approve it only if you just started it yourself. Code <code>{a.code}</code>.</p>
      <dl className="facts">
        <div><dt>Login</dt><dd data-testid="approval-target">{a.target === 'menu' ? 'the menu of your hosts' : a.target}</dd></div>
        <div><dt>From</dt><dd data-testid="approval-source">{a.source}</dd></div>
        <div><dt>Client</dt><dd>{a.clientVersion}</dd></div>
        <div><dt>Asked at</dt><dd>{when(a.requestedAt)}</dd></div>
        <div><dt>Expires</dt><dd>{when(a.expiresAt)}</dd></div>
        <div><dt>Key</dt><dd>{a.afterKey ? 'your key was accepted; this is the second step' : 'none: this approval is the login'}</dd></div>
      </dl>
      <label>Reason, if you deny (the SSH client is shown it)
        <input name="reason" maxLength={200} value={reason} onChange={(e) => setReason(e.target.value)} />
      </label>
      {error && <ErrorNote message={error} />}
      <div className="actions">
        <button type="button" className="primary" disabled={approve.busy || deny.busy} onClick={() => approve.submit()}>Approve</button>
        <button type="button" className="danger" disabled={approve.busy || deny.busy} onClick={() => deny.submit()}>Deny</button>
      </div>
    </section>
  );
}
