import { useState } from 'react';
import { useSubmit } from '../hooks';
import { terminate } from '../api';
import { ErrorNote } from './States';

/** Admin only: ends a live session; the reason is what the person sees in their terminal. */
export function TerminateButton({ sessionId, onTerminated }: { sessionId: string; onTerminated: () => void }) {
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const { busy, error, submit } = useSubmit(async () => {
    await terminate(sessionId, reason.trim());
    setOpen(false);
    onTerminated();
  });

  if (!open) return <button type="button" className="danger" onClick={() => setOpen(true)}>Terminate session…</button>;
  return (
    <form className="card terminate" onSubmit={submit} aria-label="Terminate session"
      onKeyDown={(e) => { if (e.key === 'Escape') setOpen(false); }}>
      <label>Reason shown to the user
        <input name="reason" autoFocus required maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} />
      </label>
      {error && <ErrorNote message={error} />}
      <div className="actions">
        <button type="submit" className="danger" disabled={busy}>{busy ? 'Terminating…' : 'Terminate now'}</button>
        <button type="button" onClick={() => setOpen(false)}>Cancel</button>
      </div>
    </form>
  );
}
