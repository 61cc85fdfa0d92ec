import { useEffect, useState, type FormEvent } from 'react';
import { messageOf, useApi } from '../hooks';
import { Link, useSearchParams } from 'react-router-dom';
import { getJson, withQuery, type AuditEvent, type AuditPage } from '../api';
import { download, toCsv, toJsonLines } from '../exporting';
import { instantOf, when } from '../format';
import { Empty, ErrorNote, Loading } from '../components/States';

const FILTERS = ['type', 'actor', 'target', 'from', 'to'] as const;
type Filters = Record<(typeof FILTERS)[number], string>;
const EXPORT_LIMIT = 100_000;

function filtersOf(params: URLSearchParams): Filters {
  return Object.fromEntries(FILTERS.map((k) => [k, params.get(k) ?? ''])) as Filters;
}

function query(f: Filters, limit: number, cursor?: string | null): string {
  return withQuery('/audit/events', { ...f, from: instantOf(f.from), to: instantOf(f.to), limit, cursor });
}

/** Every audit event, newest first, with filters in the URL and export of everything that matches. */
export function AuditLog() {
  const [params, setParams] = useSearchParams();
  const key = params.toString();
  const [draft, setDraft] = useState<Filters>(filtersOf(params));
  const first = useApi<AuditPage>(query(filtersOf(new URLSearchParams(key)), 100));
  // Older pages loaded with "Load older events", for the filters they were loaded under.
  const [older, setOlder] = useState<{ key: string; events: AuditEvent[]; next: string | null } | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const [exporting, setExporting] = useState<string | null>(null);
  const extra = older?.key === key ? older : null;
  const events = first.value ? [...first.value.events, ...(extra?.events ?? [])] : null;
  const next = extra ? extra.next : first.value?.nextCursor ?? null;
  const error = first.error ?? actionError;

  useEffect(() => setDraft(filtersOf(new URLSearchParams(key))), [key]);

  const apply = (event: FormEvent) => {
    event.preventDefault();
    const nextParams = new URLSearchParams();
    for (const k of FILTERS) if (draft[k]) nextParams.set(k, draft[k]);
    setParams(nextParams);
  };
  const more = async () => {
    try {
      const p = await getJson<AuditPage>(query(filtersOf(params), 100, next));
      setOlder({ key, events: [...(extra?.events ?? []), ...p.events], next: p.nextCursor });
    } catch (e) {
      setActionError(messageOf(e));
    }
  };
  const exportAll = async (format: 'jsonl' | 'csv') => {
    setExporting(format);
    try {
      const all: AuditEvent[] = [];
      let cursor: string | null = null;
      do {
        const p: AuditPage = await getJson<AuditPage>(query(filtersOf(params), 1000, cursor));
        all.push(...p.events);
        cursor = p.nextCursor;
      } while (cursor && all.length < EXPORT_LIMIT);
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      if (format === 'csv') download(`gatehouse-audit-${stamp}.csv`, 'text/csv', toCsv(all));
      else download(`gatehouse-audit-${stamp}.jsonl`, 'application/x-ndjson', toJsonLines(all));
    } catch (e) {
      setActionError(messageOf(e));
    } finally {
      setExporting(null);
    }
  };
  const field = (k: keyof Filters) => ({
    name: k, value: draft[k], onChange: (e: { target: { value: string } }) => setDraft({ ...draft, [k]: e.target.value }),
  });

  return (
    <section aria-labelledby="audit-title">
      <h1 id="audit-title">Audit log</h1>
      <form className="filters" onSubmit={apply} role="search">
        <label>Type<input placeholder="e.g. recording.viewed" {...field('type')} /></label>
        <label>Actor<input {...field('actor')} /></label>
        <label>Target<input {...field('target')} /></label>
        <label>From<input type="datetime-local" step="1" {...field('from')} /></label>
        <label>To<input type="datetime-local" step="1" {...field('to')} /></label>
        <div className="actions">
          <button type="submit" className="primary">Filter</button>
          <button type="button" onClick={() => setParams(new URLSearchParams())}>Clear</button>
          <button type="button" onClick={() => exportAll('jsonl')} disabled={exporting !== null}>Export JSON lines</button>
          <button type="button" onClick={() => exportAll('csv')} disabled={exporting !== null}>Export CSV</button>
        </div>
      </form>
      {error && <ErrorNote message={error} />}
      {!error && !events && <Loading what="audit events" />}
      {events && events.length === 0 && <Empty>No audit events match these filters.</Empty>}
      {events && events.length > 0 && (
        <table className="grid">
          <thead><tr><th>Time</th><th>Type</th><th>Actor</th><th>Target</th><th>Outcome</th><th>Details</th></tr></thead>
          <tbody>
            {events.map((e) => (
              <tr key={e.id}>
                <td>{when(e.time)}</td>
                <td><code>{e.type}</code></td>
                <td>{e.actor}{e.sourceAddress && <div className="muted small">{e.sourceAddress}</div>}</td>
                <td>{e.sessionId ? <Link to={`/sessions/${encodeURIComponent(e.sessionId)}`}>{e.target}</Link> : e.target}</td>
                <td><span className={`badge ${e.outcome}`}>{e.outcome}</span></td>
                <td className="small mono details">{e.details ? JSON.stringify(e.details) : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div className="pager">{next && <button type="button" onClick={more}>Load older events</button>}</div>
    </section>
  );
}
