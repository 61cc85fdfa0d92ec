import type { AuditEvent } from './api';

// Audit log export: one JSON object per line, or RFC 4180 CSV with a header row.

export const CSV_COLUMNS = ['id', 'time', 'type', 'actor', 'sourceAddress', 'target', 'outcome', 'sessionId', 'details', 'hash'] as const;

export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  // Quote when needed; a leading =,+,-,@ is prefixed so a spreadsheet does not run it as a formula.
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) || safe !== text ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function toCsv(events: AuditEvent[]): string {
  const rows = events.map((e) => CSV_COLUMNS.map((c) => csvField((e as unknown as Record<string, unknown>)[c])).join(','));
  return [CSV_COLUMNS.join(','), ...rows].join('\r\n') + '\r\n';
}

export function toJsonLines(events: AuditEvent[]): string {
  return events.map((e) => JSON.stringify(e)).join('\n') + (events.length ? '\n' : '');
}

export function download(name: string, type: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
