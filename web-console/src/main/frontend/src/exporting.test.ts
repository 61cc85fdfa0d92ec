import { describe, expect, it } from 'vitest';
import type { AuditEvent } from './api';
import { csvField, toCsv, toJsonLines } from './exporting';

const event = (over: Partial<AuditEvent>): AuditEvent => ({
  id: 1, type: 'ssh.login', time: '2026-01-01T00:00:00Z', actor: 'alice', target: 'root@web', outcome: 'success',
  details: {}, sourceAddress: '127.0.0.1', sessionId: 's1', hash: 'ab', ...over,
});

describe('audit export', () => {
  it('quotes commas, quotes and line breaks in CSV fields', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField(null)).toBe('');
  });

  it('defuses values a spreadsheet would run as formulas', () => {
    expect(csvField('=cmd|calc')).toBe(`"'=cmd|calc"`);
    expect(csvField('@SUM(1)')).toBe(`"'@SUM(1)"`);
  });

  it('writes a header and one row per event, details as JSON', () => {
    const csv = toCsv([event({ details: { path: '/etc/passwd', bytes: 12 } })]);
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe('id,time,type,actor,sourceAddress,target,outcome,sessionId,details,hash');
    expect(lines[1]).toBe('1,2026-01-01T00:00:00Z,ssh.login,alice,127.0.0.1,root@web,success,s1,"{""path"":""/etc/passwd"",""bytes"":12}",ab');
  });

  it('writes one JSON object per line that parses back to the event', () => {
    const events = [event({ id: 1 }), event({ id: 2, type: 'recording.viewed' })];
    const lines = toJsonLines(events).trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(JSON.parse(lines[1])).toEqual(events[1]);
    expect(toJsonLines([])).toBe('');
  });
});
