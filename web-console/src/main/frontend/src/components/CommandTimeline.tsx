import type { CommandHit } from '../api';
import { Empty } from './States';

/** Where a command line was read, in words; a line whose typed and screen readings differed says so. */
export function readingOf(c: CommandHit): string {
  const words = c.source.split('+').map((s) => ({
    typed: 'typed', terminal: 'on screen', osc133: 'shell marks', exec: 'exec request', bastion: 'gateway',
    'typed-fullscreen': 'typed in a full-screen program',
  } as Record<string, string>)[s] ?? s);
  return words.join(' and ') + (c.disagrees ? ' (typed and screen differ)' : '');
}

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
              title={`Jump to ${format(c.offsetMillis / 1000)} (${readingOf(c)})`}>
              <span className="offset">{format(c.offsetMillis / 1000)}</span> <code>{c.line}</code>
            </button>
          ) : (
            <span className="command"><span className="offset">{format(c.offsetMillis / 1000)}</span> <code>{c.line}</code></span>
          )}
          <span className={c.disagrees ? 'reading differs' : 'reading muted small'}>{readingOf(c)}</span>
        </li>
      ))}
    </ol>
  );
}
