import { forwardRef, useEffect, useImperativeHandle, useRef, useState } from 'react';
import * as AsciinemaPlayer from 'asciinema-player';
import 'asciinema-player/dist/bundle/asciinema-player.css';
import { request } from '../api';
import { clock } from '../format';
import { ErrorNote, Loading } from './States';
import { isStreams } from '../streams';
import { StreamsReplay } from './StreamsReplay';

export interface ReplayHandle { jump(seconds: number): void }

const SPEEDS = [0.5, 1, 2, 4, 8];

/**
 * Plays the session's recording: asciicast in asciinema-player, a channel without a terminal (streams) as its three
 * streams. Every fetch of it is an audit event on the gateway.
 */
export const Replay = forwardRef<ReplayHandle, { sessionId: string; startAt: number }>(function Replay(
  { sessionId, startAt }, ref) {
  const container = useRef<HTMLDivElement>(null);
  const player = useRef<AsciinemaPlayer.Player | null>(null);
  const [cast, setCast] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [speed, setSpeed] = useState(1);
  const [playing, setPlaying] = useState(false);
  const [now, setNow] = useState(startAt);
  const position = useRef(startAt);
  const streams = useRef<ReplayHandle>(null);

  useEffect(() => {
    let current = true;
    request(`/sessions/${encodeURIComponent(sessionId)}/recording`, { headers: { Accept: 'application/x-asciicast' } })
      .then((r) => r.text()).then((text) => current && setCast(text))
      .catch((e: Error) => current && setError(e.message));
    return () => { current = false; };
  }, [sessionId]);

  useEffect(() => {
    if (!cast || !container.current || isStreams(cast)) return;
    // Speed is a creation option, so a speed change re-creates the player where the old one was.
    const p = AsciinemaPlayer.create({ data: cast }, container.current, {
      startAt: position.current, speed, fit: 'both', idleTimeLimit: 2, terminalFontSize: '14px', preload: true,
    });
    player.current = p;
    p.addEventListener('play', () => setPlaying(true));
    p.addEventListener('playing', () => setPlaying(true));
    p.addEventListener('pause', () => setPlaying(false));
    p.addEventListener('ended', () => setPlaying(false));
    const timer = window.setInterval(() => {
      const t = p.getCurrentTime();
      if (typeof t === 'number' && !Number.isNaN(t)) { position.current = t; setNow(t); }
    }, 250);
    return () => { window.clearInterval(timer); p.dispose(); player.current = null; };
  }, [cast, speed]);

  useImperativeHandle(ref, () => ({
    jump(seconds: number) {
      streams.current?.jump(seconds);
      const p = player.current;
      if (!p) return;
      position.current = seconds;
      void p.seek(seconds).then(() => p.play());
    },
  }), []);

  if (error) return <ErrorNote message={`Cannot load the recording: ${error}`} />;
  if (cast && isStreams(cast)) return <StreamsReplay ref={streams} recording={cast} sessionId={sessionId} startAt={startAt} />;
  const toggle = () => { const p = player.current; if (p) void (playing ? p.pause() : p.play()); };
  const moment = `${window.location.origin}${window.location.pathname}#/sessions/${encodeURIComponent(sessionId)}?t=${now.toFixed(1)}`;
  return (
    <div className="replay">
      {!cast && <Loading what="recording" />}
      <div ref={container} className="player" data-testid="replay" />
      {cast && (
        <div className="replay-controls" role="toolbar" aria-label="Replay controls">
          <button type="button" onClick={toggle} aria-pressed={playing}>{playing ? 'Pause' : 'Play'}</button>
          <label>Speed
            <select value={speed} onChange={(e) => setSpeed(Number(e.target.value))}>
              {SPEEDS.map((s) => <option key={s} value={s}>{s}×</option>)}
            </select>
          </label>
          <span className="mono" aria-label="Current time">{clock(now)}</span>
          <a href={moment} data-testid="moment-link"
            onClick={(e) => { e.preventDefault(); void navigator.clipboard?.writeText(moment).catch(() => undefined); window.history.replaceState(null, '', moment); }}>
            Link to this moment
          </a>
        </div>
      )}
    </div>
  );
});
