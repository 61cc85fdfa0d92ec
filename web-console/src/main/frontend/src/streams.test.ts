import { describe, expect, it } from 'vitest';
import { isStreams, parseStreams, textAt, visible } from './streams';

const b64 = (s: string) => btoa(String.fromCharCode(...new TextEncoder().encode(s)));
const euro = new TextEncoder().encode('€'); // three bytes, split across two frames below
const recording = [
  JSON.stringify({ version: 2, streams: 1, width: 80, height: 24, command: 'bash -s' }),
  JSON.stringify([0.1, 'stdin', b64('id\n')]),
  JSON.stringify([0.2, 'stdout', b64('uid=0(root)\n')]),
  JSON.stringify([0.3, 'stderr', b64('warning\n')]),
  JSON.stringify([0.4, 'stdout', btoa(String.fromCharCode(euro[0]))]),
  JSON.stringify([0.5, 'stdout', btoa(String.fromCharCode(euro[1], euro[2]))]),
  JSON.stringify([0.6, 'm', 'exit 0']),
  '',
].join('\n');

describe('streams recordings', () => {
  it('tells a streams recording from an asciicast one', () => {
    expect(isStreams(recording)).toBe(true);
    expect(isStreams('{"version":2,"width":80,"height":24}\n[0.1,"o","x"]\n')).toBe(false);
    expect(isStreams('not json')).toBe(false);
  });

  it('keeps stdin, stdout and stderr apart with their timing', () => {
    const parsed = parseStreams(recording);
    expect(parsed.header.command).toBe('bash -s');
    expect(parsed.duration).toBe(0.6);
    expect(textAt(parsed, 0.15)).toEqual({ stdin: 'id\n', stdout: '', stderr: '' });
    expect(textAt(parsed, 0.3)).toEqual({ stdin: 'id\n', stdout: 'uid=0(root)\n', stderr: 'warning\n' });
  });

  it('decodes a character split across two frames once both have arrived', () => {
    const parsed = parseStreams(recording);
    expect(textAt(parsed, 0.4).stdout).toBe('uid=0(root)\n');
    expect(textAt(parsed, 0.5).stdout).toBe('uid=0(root)\n€');
  });

  it('shows control characters instead of letting them act', () => {
    expect(visible('a\u001b[31mb\r\n\tc')).toBe('a\u241b[31mb\u240d\n\tc');
  });
});
