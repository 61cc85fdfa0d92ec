import { describe, expect, it } from 'vitest';
import { bytes, clock, ending, instantOf } from './format';

describe('format', () => {
  it('prints offsets as a clock', () => {
    expect(clock(0)).toBe('0:00');
    expect(clock(65.9)).toBe('1:05');
    expect(clock(3725)).toBe('1:02:05');
  });

  it('prints sizes in binary units', () => {
    expect(bytes(512)).toBe('512 B');
    expect(bytes(1536)).toBe('1.5 KiB');
    expect(bytes(5 * 1024 * 1024)).toBe('5.0 MiB');
  });

  it('turns a datetime-local value into an instant and ignores junk', () => {
    expect(instantOf('2026-01-02T03:04:05')).toBe(new Date('2026-01-02T03:04:05').toISOString());
    expect(instantOf('')).toBeUndefined();
    expect(instantOf('not a date')).toBeUndefined();
  });

  it('says how a session ended', () => {
    expect(ending({ status: 'running', exitStatus: null, exitSignal: null })).toBe('live');
    expect(ending({ status: 'detached', exitStatus: null, exitSignal: null }))
      .toBe('detached (connection lost, waiting for re-attach)');
    expect(ending({ status: 'ended', exitStatus: 130, exitSignal: null })).toBe('exit 130');
    expect(ending({ status: 'ended', exitStatus: null, exitSignal: 'KILL' })).toBe('killed by signal KILL');
  });
});
