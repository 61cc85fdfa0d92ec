import { forwardRef, useEffect, useImperativeHandle, useMemo, useState } from 'react';
import { STREAMS, parseStreams, textAt, visible } from '../streams';
import { clock } from '../format';
import type { ReplayHandle } from './Replay';

const SPEEDS = [0.5, 1, 2, 4, 8];
const TICK_MS = 100;

/**
 * Replays a channel that had no terminal: stdin, stdout and stderr side by side, each as it stood at the current
 * moment, with play, pause, speed and a seek bar; the exact bytes of each stream are in the export downloads.
 */
export const StreamsReplay = forwardRef<ReplayHandle, { recording: string; sessionId: string; startAt: number }>(
  function StreamsReplay({ recording, sessionId, startAt }, ref) {
    const parsed = useMemo(() => parseStreams(recording), [recording]);
    const [now, setNow] = useState(Math.min(startAt, parsed.duration));
    const [playing, setPlaying] = useState(false);
    const [speed, setSpeed] = useState(1);

    useEffect(() => {
      if (!playing) return;
      const timer = window.setInterval(() => setNow((t) => {
        const next = t + (TICK_MS / 1000) * speed;
        if (next >= parsed.duration) { setPlaying(false); return parsed.duration; }
        return next;
      }), TICK_MS);
      return () => window.clearInterval(timer);
    }, [playing, speed, parsed.duration]);

    useImperativeHandle(ref, () => ({ jump(seconds: number) { setNow(Math.min(seconds, parsed.duration)); setPlaying(true); } }),
      [parsed.duration]);

    const text = textAt(parsed, now);
    const markers = parsed.frames.filter((f) => f.stream === 'm' && f.t <= now);
    const base = `/api/v1/sessions/${encodeURIComponent(sessionId)}/export?format=`;
    return (
      <div className="streams-replay" data-testid="streams-replay">
        <p className="muted small">No terminal: the channel's three streams, byte for byte as recorded
          {typeof parsed.header.command === 'string' && <> (command <code>{parsed.header.command}</code>)</>}.</p>
        <div className="streams">
          {STREAMS.map((s) => (
            <figure key={s} className={`stream ${s}`}>
              <figcaption>{s}</figcaption>
              <pre data-testid={`stream-${s}`}>{visible(text[s])}</pre>
            </figure>
          ))}
        </div>
        {markers.length > 0 && <p className="small muted">{markers.map((m) => m.text).join(' · ')}</p>}
        <div className="replay-controls" role="toolbar" aria-label="Replay controls">
          <button type="button" aria-pressed={playing} onClick={() => {
            if (!playing && now >= parsed.duration) setNow(0);
            setPlaying(!playing);
          }}>{playing ? 'Pause' : 'Play'}</button>
          <label>Speed
            <select value={speed} onChange={(e) => setSpeed(Number(e.target.value))}>
              {SPEEDS.map((v) => <option key={v} value={v}>{v}×</option>)}
            </select>
          </label>
          <input type="range" aria-label="Position" min={0} max={parsed.duration} step={0.01} value={now}
            onChange={(e) => setNow(Number(e.target.value))} />
          <span className="mono" aria-label="Current time">{clock(now)} / {clock(parsed.duration)}</span>
        </div>
        <p className="actions exports">Download:
          {['stdin', 'stdout', 'stderr', 'transcript', 'events'].map((f) => (
            <a key={f} href={`${base}${f}`} download data-testid={`export-${f}`}>{f}</a>
          ))}
        </p>
      </div>
    );
  });
