import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, csrfToken, postJson, request, withQuery } from './api';

afterEach(() => {
  vi.unstubAllGlobals();
  document.cookie = 'XSRF-TOKEN=; expires=Thu, 01 Jan 1970 00:00:00 GMT';
});

describe('api', () => {
  it('reads the XSRF token from the cookie Spring Security sets', () => {
    expect(csrfToken('a=1; XSRF-TOKEN=abc%3D%3D; b=2')).toBe('abc==');
    expect(csrfToken('a=1')).toBeUndefined();
  });

  it('leaves empty filters out of the query', () => {
    expect(withQuery('/sessions', { user: 'alice', host: '', q: undefined, limit: 25 })).toBe('/sessions?user=alice&limit=25');
    expect(withQuery('/sessions', {})).toBe('/sessions');
  });

  it('sends the CSRF header on changes but not on reads', async () => {
    document.cookie = 'XSRF-TOKEN=tok123';
    const fetch = vi.fn(async () => new Response('{}', { status: 200 }));
    vi.stubGlobal('fetch', fetch);

    await request('/users');
    await postJson('/sessions/s1/terminate', { reason: 'x' });

    const [readUrl, read] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    const [, change] = fetch.mock.calls[1] as unknown as [string, RequestInit];
    expect(readUrl).toBe('/api/v1/users');
    expect(new Headers(read.headers).has('X-XSRF-TOKEN')).toBe(false);
    expect(new Headers(change.headers).get('X-XSRF-TOKEN')).toBe('tok123');
    expect(change.body).toBe('{"reason":"x"}');
  });

  it('turns a problem+json reply into an error carrying its detail', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => new Response(JSON.stringify({ title: 'Forbidden', detail: 'needs admin' }),
      { status: 403, headers: { 'Content-Type': 'application/problem+json' } })));

    const error = await request('/sessions/x/terminate', { method: 'POST' }).catch((e) => e);

    expect(error).toBeInstanceOf(ApiError);
    expect(error.status).toBe(403);
    expect(error.message).toBe('needs admin');
  });
});
