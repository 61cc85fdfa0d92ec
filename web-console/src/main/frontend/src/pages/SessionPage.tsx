import { useCallback, useRef } from 'react';
import { useApi } from '../hooks';
import { Link, useParams, useSearchParams } from 'react-router-dom';
import { type Me, type SessionDetail, type SessionEvent } from '../api';
import { clock, duration, ending, when } from '../format';
import { ErrorNote, Loading } from '../components/States';
import { Replay, type ReplayHandle } from '../components/Replay';
import { LiveTerminal } from '../components/LiveTerminal';
import { TerminateButton } from '../components/TerminateButton';
import { CommandTimeline } from '../components/CommandTimeline';
import { SessionActivity } from '../components/SessionActivity';

/** One session: who, where, when, how it ended; its commands, file operations and forwards; replay or live view. */
export function SessionPage({ me }: { me: Me }) {
  const { id = '' } = useParams();
  const [params] = useSearchParams();
  const startAt = Number(params.get('t') ?? '0') || 0;
  const session = useApi<SessionDetail>(`/sessions/${encodeURIComponent(id)}`);
  const activity = useApi<SessionEvent[]>(`/sessions/${encodeURIComponent(id)}/events`);
  const replay = useRef<ReplayHandle>(null);
  const { reload: reloadSession } = session;
  const { reload: reloadActivity } = activity;
  const load = useCallback(() => { reloadSession(); reloadActivity(); }, [reloadSession, reloadActivity]);
  const detail = session.value;
  const error = session.error;
  // The session's events are extras: without them (an error) the page still shows the session.
  const events = activity.error ? [] : activity.value;

  if (error) return <ErrorNote message={error} />;
  if (!detail) return <Loading what="session" />;
  const s = detail.session;
  const live = s.status === 'running' || s.status === 'detached';

  return (
    <section aria-labelledby="session-title" className="session">
      <p><Link to="/sessions">← Sessions</Link></p>
      <h1 id="session-title">{s.user} → {s.login}@{s.host}</h1>
      <dl className="facts">
        <div><dt>Person</dt><dd>{s.user}</dd></div>
        <div><dt>Target</dt><dd>{s.login}@{s.host} <span className="muted">({s.network})</span></dd></div>
        <div><dt>From</dt><dd>{s.sourceAddress}</dd></div>
        <div><dt>Kind</dt><dd>{s.kind}</dd></div>
        <div><dt>Started</dt><dd>{when(s.startedAt)}</dd></div>
        <div><dt>Ended</dt><dd>{live ? '—' : when(s.endedAt)}</dd></div>
        <div><dt>Duration</dt><dd>{duration(s.startedAt, s.endedAt)}</dd></div>
        <div><dt>Outcome</dt><dd><span className={`badge ${s.status}`} data-testid="outcome">{ending(s)}</span></dd></div>
        <div><dt>Session id</dt><dd><code>{s.sessionId}</code></dd></div>
      </dl>
      {live && me.scope === 'admin' && <TerminateButton sessionId={s.sessionId} onTerminated={load} />}
      <div className="session-body">
        <div className="screen">
          {live
            ? <LiveTerminal sessionId={s.sessionId} onEnded={load} />
            : <Replay ref={replay} sessionId={s.sessionId} startAt={startAt} />}
        </div>
        <aside>
          <h2>Commands</h2>
          <CommandTimeline commands={detail.commands}
            onPick={live ? undefined : (seconds) => replay.current?.jump(seconds)} format={clock} />
          <SessionActivity events={events} />
        </aside>
      </div>
    </section>
  );
}
