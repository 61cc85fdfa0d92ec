// Small presentation helpers shared by the pages.

export function when(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
}

export function duration(fromIso: string, toIso: string | null, now = Date.now()): string {
  const ms = (toIso ? new Date(toIso).getTime() : now) - new Date(fromIso).getTime();
  return clock(Math.max(0, ms) / 1000);
}

/** Seconds as h:mm:ss or m:ss. */
export function clock(seconds: number): string {
  const s = Math.floor(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${rest}` : `${m}:${rest}`;
}

export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = n / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) { value /= 1024; unit++; }
  return `${value.toFixed(1)} ${units[unit]}`;
}

/** A datetime-local input's value as an ISO instant for the API, or undefined when empty or invalid. */
export function instantOf(local: string | null | undefined): string | undefined {
  if (!local) return undefined;
  const d = new Date(local);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

export function ending(s: { status: string; exitStatus: number | null; exitSignal: string | null }): string {
  if (s.status === 'running') return 'live';
  if (s.status === 'detached') return 'detached (connection lost, waiting for re-attach)';
  if (s.status === 'interrupted') return 'interrupted (gateway stopped while it ran)';
  if (s.exitSignal) return `killed by signal ${s.exitSignal}`;
  if (s.exitStatus !== null && s.exitStatus !== undefined) return `exit ${s.exitStatus}`;
  return 'ended';
}
