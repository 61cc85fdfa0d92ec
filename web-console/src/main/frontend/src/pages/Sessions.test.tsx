import { afterEach, describe, expect, it, vi } from 'vitest';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter, Route, Routes, useLocation } from 'react-router-dom';
import { Sessions } from './Sessions';

function Where() {
  const location = useLocation();
  return <output data-testid="where">{location.pathname + location.search}</output>;
}

function page(sessions: unknown[], nextCursor: string | null = null) {
  return new Response(JSON.stringify({ sessions, nextCursor }), { status: 200 });
}

const session = {
  sessionId: 'abc', user: 'alice', login: 'root', host: 'web-01', network: 'direct', sourceAddress: '10.0.0.1:5000',
  kind: 'shell', startedAt: '2026-01-01T10:00:00Z', endedAt: '2026-01-01T10:01:05Z', status: 'ended', exitStatus: 0,
  exitSignal: null, chunks: 1, outputBytes: 2048,
  matches: [{ sessionId: 'abc', seq: 3, offsetMillis: 12500, line: 'cat /etc/shadow', source: 'typed', disagrees: false }],
};

function mount(url: string) {
  render(
    <MemoryRouter initialEntries={[url]}>
      <Routes><Route path="/sessions" element={<><Sessions /><Where /></>} /></Routes>
    </MemoryRouter>,
  );
}

afterEach(() => vi.unstubAllGlobals());

describe('Sessions', () => {
  it('searches with the filters the URL carries and links each hit to its moment', async () => {
    const fetch = vi.fn(async () => page([session], 'cursor-1'));
    vi.stubGlobal('fetch', fetch);

    mount('/sessions?q=shadow&user=alice&status=ended');

    const hit = await screen.findByText('cat /etc/shadow');
    expect(hit.closest('a')).toHaveAttribute('href', '/sessions/abc?t=12.5');
    const url = (fetch.mock.calls[0] as unknown as [string])[0];
    expect(url).toBe('/api/v1/sessions?user=alice&q=shadow&status=ended&limit=25');
    expect(screen.getByText('exit 0')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Older sessions' })).toBeInTheDocument();
  });

  it('puts submitted filters into the URL', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => page([])));
    mount('/sessions');
    await screen.findByText(/No sessions match/);

    await userEvent.type(screen.getByLabelText('Host'), 'db-02');
    await userEvent.type(screen.getByLabelText('Search commands and output'), 'pg_dump');
    await userEvent.click(screen.getByRole('button', { name: 'Search' }));

    expect(screen.getByTestId('where')).toHaveTextContent('/sessions?host=db-02&q=pg_dump');
  });

  it('shows the gateway error instead of an empty list', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => new Response(JSON.stringify({ detail: 'q: must be at most 500 characters' }), { status: 400 })));
    mount('/sessions?q=x');
    expect(await screen.findByRole('alert')).toHaveTextContent('q: must be at most 500 characters');
  });
});
