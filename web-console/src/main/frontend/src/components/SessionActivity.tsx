import type { SessionEvent } from '../api';
import { when } from '../format';

const DETAIL_ORDER = ['path', 'newPath', 'bytes', 'sha256', 'destination', 'originator', 'bytesToDestination',
  'bytesFromDestination', 'duration'];

function detailText(details: Record<string, unknown> | null): string {
  if (!details) return '';
  const keys = Object.keys(details).sort((a, b) => {
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
            <li key={e.id}><strong>{e.type.slice(5)}</strong> <span className={e.outcome}>{e.outcome}</span>
              <div className="small mono">{detailText(e.details)}</div><div className="muted small">{when(e.time)}</div></li>
          ))}
        </ul>
      )}
      <h2>Port forwards</h2>
      {flows.length === 0 ? <p className="muted">No forwarded connections.</p> : (
        <ul className="activity" aria-label="Port forwards">
          {flows.map((e) => (
            <li key={e.id}><strong>{e.type.slice(8)}</strong> <span className={e.outcome}>{e.outcome}</span>
              <div className="small mono">{detailText(e.details)}</div><div className="muted small">{when(e.time)}</div></li>
          ))}
        </ul>
      )}
    </>
  );
}
