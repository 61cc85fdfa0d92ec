import { describe, expect, it } from 'vitest';
import { detailText } from './SessionActivity';

describe('session activity', () => {
  it('orders the details the recorder writes and leaves out the session facts and empty ones', () => {
    // As audit's SessionEvents writes a forward.* event's details.
    expect(detailText({ network: 'direct', bytesFromTarget: 20, originator: '127.0.0.1:5000', durationMillis: 7,
      bytesToTarget: 10 })).toBe('originator=127.0.0.1:5000  bytesToTarget=10  bytesFromTarget=20  durationMillis=7');
    // And an sftp.* event's.
    expect(detailText({ host: 'web', login: 'root', newPath: null, sha256: 'ab', bytes: 3, error: null }))
      .toBe('bytes=3  sha256=ab');
  });
});
