import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useApi } from '../hooks';
import { Link, useSearchParams } from 'react-router-dom';
import { withQuery, type SessionPage } from '../api';
import { bytes, duration, ending, instantOf, when } from '../format';
import { Empty, ErrorNote, Loading } from '../components/States';
import { readingOf } from '../components/CommandTimeline';

export const SESSION_FILTERS = ['user', 'host', 'login', 'q', 'from', 'to', 'status'] as const;
type Filters = Record<(typeof SESSION_FILTERS)[number], string>;

function filtersOf(params: URLSearchParams): Filters {
  return Object.fromEntries(SESSION_FILTERS.map((k) => [k, params.get(k) ?? ''])) as Filters;
}

/** The session search: every filter and the page cursor live in the URL, so a search can be shared and reloaded. */
export function Sessions() {
  const [params, setParams] = useSearchParams();
  const applied = filtersOf(params);
  const cursor = params.get('cursor') ?? '';
  const [draft, setDraft] = useState<Filters>(applied);
  const search = useRef<HTMLInputElement>(null);
  const key = params.toString();

  useEffect(() => setDraft(filtersOf(new URLSearchParams(key))), [key]);
  const { value: page, error } = useApi<SessionPage>(withQuery('/sessions', {
    ...applied, from: instantOf(applied.from), to: instantOf(applied.to), limit: 25, cursor: cursor || undefined,
  }));
  useEffect(() => {
    // "/" jumps to the search box, as in most consoles.
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement;
      if (e.key === '/' && !['INPUT', 'SELECT', 'TEXTAREA'].includes(target.tagName)) {
        e.preventDefault();
        search.current?.focus();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const apply = (event: FormEvent) => {
    event.preventDefault();
    const next = new URLSearchParams();
    for (const k of SESSION_FILTERS) if (draft[k]) next.set(k, draft[k]);
    setParams(next);
  };
  const field = (k: keyof Filters) => ({
    name: k, value: draft[k], onChange: (e: { target: { value: string } }) => setDraft({ ...draft, [k]: e.target.value }),
  });
  const older = () => {
    const next = new URLSearchParams(params);
    next.set('cursor', page!.nextCursor!);
    setParams(next);
  };
  const first = () => {
    const next = new URLSearchParams(params);
    next.delete('cursor');
    setParams(next);
  };

  return (
    <section aria-labelledby="sessions-title">
      <h1 id="sessions-title">Sessions</h1>
      <form className="filters" onSubmit={apply} role="search">
        <label className="wide">Search commands and output<input ref={search} type="search" placeholder="e.g. rm -rf  (press / to focus)" {...field('q')} /></label>
        <label>Person<input {...field('user')} /></label>
        <label>Host<input {...field('host')} /></label>
        <label>Login<input {...field('login')} /></label>
        <label>From<input type="datetime-local" step="1" {...field('from')} /></label>
        <label>To<input type="datetime-local" step="1" {...field('to')} /></label>
        <label>Status
          <select {...field('status')}>
            <option value="">any</option>
            <option value="running">live</option>
            <option value="ended">ended</option>
            <option value="interrupted">interrupted</option>
          </select>
        </label>
        <div className="actions">
          <button type="submit" className="primary">Search</button>
          <button type="button" onClick={() => setParams(new URLSearchParams())}>Clear</button>
        </div>
      </form>
      {error && <ErrorNote message={error} />}
      {!error && !page && <Loading what="sessions" />}
      {page && page.sessions.length === 0 && (
        <Empty>{cursor ? 'No older sessions.' : 'No sessions match these filters. Sessions appear here once someone connects through the bastion.'}</Empty>
      )}
      {page && page.sessions.length > 0 && (
        <table className="grid">
          <thead>
            <tr><th>Started</th><th>Person</th><th>Target</th><th>Kind</th><th>Duration</th><th>Output</th><th>Status</th></tr>
          </thead>
          <tbody>
            {page.sessions.map((s) => (
              <tr key={s.sessionId} data-session={s.sessionId}>
                <td><Link to={`/sessions/${encodeURIComponent(s.sessionId)}`}>{when(s.startedAt)}</Link>
                  {s.matches.length > 0 && (
                    <ul className="hits">
                      {s.matches.slice(0, 3).map((m) => (
                        <li key={m.seq}><Link to={`/sessions/${encodeURIComponent(s.sessionId)}?t=${(m.offsetMillis / 1000).toFixed(1)}`}><code>{m.line}</code></Link> <span className="muted small">{readingOf(m)}</span></li>
                      ))}
                    </ul>
                  )}
                </td>
                <td>{s.user}</td>
                <td>{s.login}@{s.host}<div className="muted small">{s.network} · from {s.sourceAddress}</div></td>
                <td>{s.kind}</td>
                <td>{duration(s.startedAt, s.endedAt)}</td>
                <td>{bytes(s.outputBytes)}</td>
                <td><span className={`badge ${s.status}`}>{ending(s)}</span></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div className="pager">
        {cursor && <button type="button" onClick={first}>First page</button>}
        {page?.nextCursor && <button type="button" onClick={older}>Older sessions</button>}
      </div>
    </section>
  );
}
