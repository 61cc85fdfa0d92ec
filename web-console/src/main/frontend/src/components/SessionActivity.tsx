import type { SessionEvent } from '../api';
import { when } from '../format';

// The details the recorder writes on sftp.* and forward.* events (audit's SessionEvents), in reading order; the path
// or destination is the event's target, and host, login and network are the session's own, shown above.
export const DETAIL_ORDER = ['newPath', 'bytes', 'sha256', 'error', 'originator', 'bytesToTarget', 'bytesFromTarget',
  'durationMillis'];
const SESSION_FACTS = ['host', 'login', 'network'];

export function detailText(details: Record<string, unknown> | null | undefined): string {
  if (!details) return '';
  const keys = Object.keys(details).filter((k) => !SESSION_FACTS.includes(k) && details[k] !== null).sort((a, b) => {
    const ia = DETAIL_ORDER.indexOf(a);
    const ib = DETAIL_ORDER.indexOf(b);
    return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib);
  });
  return keys.map((k) => `${k}=${typeof details[k] === 'object' ? JSON.stringify(details[k]) : String(details[k])}`).join('  ');
}

/** SFTP operations and port-forward flows among the session's audit events. */
export function SessionActivity({ events }: { events: SessionEvent[] | null }) {
  if (events === null) return null;
  const files = events.filter((e) => e.type.startsWith('sftp.'));
  const flows = events.filter((e) => e.type.startsWith('forward.'));
  return (
    <>
      <h2>File transfers</h2>
      {files.length === 0 ? <p className="muted">No SFTP or SCP operations.</p> : (
        <ul className="activity" aria-label="File transfers">
          {files.map((e) => (
            <li key={e.id}><strong>{e.type.slice(5)}</strong> <code>{e.target}</code> <span className={e.outcome}>{e.outcome}</span>
              <div className="small mono">{detailText(e.details)}</div><div className="muted small">{when(e.time)}</div></li>
          ))}
        </ul>
      )}
      <h2>Port forwards</h2>
      {flows.length === 0 ? <p className="muted">No forwarded connections.</p> : (
        <ul className="activity" aria-label="Port forwards">
          {flows.map((e) => (
            <li key={e.id}><strong>{e.type.slice(8)}</strong> <code>{e.target}</code> <span className={e.outcome}>{e.outcome}</span>
              <div className="small mono">{detailText(e.details)}</div><div className="muted small">{when(e.time)}</div></li>
          ))}
        </ul>
      )}
    </>
  );
}
