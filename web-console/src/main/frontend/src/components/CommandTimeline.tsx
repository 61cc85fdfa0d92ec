import type { CommandHit } from '../api';
import { Empty } from './States';

/** The session's command lines at their offsets; picking one jumps the replay there. */
export function CommandTimeline({ commands, onPick, format }: {
  commands: CommandHit[]; onPick?: (seconds: number) => void; format: (seconds: number) => string;
}) {
  if (commands.length === 0) return <Empty>No commands recorded.</Empty>;
  return (
    <ol className="timeline" aria-label="Command timeline">
      {commands.map((c) => (
        <li key={c.seq}>
          {onPick ? (
            <button type="button" className="command" onClick={() => onPick(c.offsetMillis / 1000)}
              title={`Jump to ${format(c.offsetMillis / 1000)} (${c.source})`}>
              <span className="offset">{format(c.offsetMillis / 1000)}</span> <code>{c.line}</code>
            </button>
          ) : (
            <span className="command"><span className="offset">{format(c.offsetMillis / 1000)}</span> <code>{c.line}</code></span>
          )}
        </li>
      ))}
    </ol>
  );
}
