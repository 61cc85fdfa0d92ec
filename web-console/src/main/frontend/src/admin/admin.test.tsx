import { afterEach, describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router-dom';
import { Roles } from './Roles';
import { People } from './People';
import { agentCommand } from './JoinTokens';
import { labelsOf, listOf } from './text';

afterEach(() => vi.unstubAllGlobals());

const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status,
  headers: { 'Content-Type': status >= 400 ? 'application/problem+json' : 'application/json' } });

describe('admin pages', () => {
  it('shows the API problem beside the field it names', async () => {
    const fetch = vi.fn(async (url: string, init?: RequestInit) => {
      if (init?.method === 'POST') {
        return json({ title: 'Bad Request', status: 400, detail: 'forwardDestinations[1]: must be host:port',
          errors: [{ field: 'forwardDestinations[1]', message: 'must be host:port' }] }, 400);
      }
      return json(url.endsWith('/roles') ? [] : {});
    });
    vi.stubGlobal('fetch', fetch);
    render(<MemoryRouter><Roles admin /></MemoryRouter>);

    await userEvent.type(screen.getByLabelText('Name'), 'ops');
    await userEvent.type(screen.getByLabelText('Forward destinations'), 'db:5432{enter}nonsense');
    await userEvent.click(screen.getByRole('button', { name: 'Create role' }));

    const problem = await screen.findByText('forwardDestinations[1]: must be host:port', { selector: '[data-field]' });
    expect(problem.getAttribute('data-field')).toBe('forwardDestinations');
    const sent = JSON.parse(fetch.mock.calls.find(([, i]) => i?.method === 'POST')![1]!.body as string);
    expect(sent.forwardDestinations).toEqual(['db:5432', 'nonsense']);
    expect(sent.maxSessionSeconds).toBe(28800);
    expect(sent.detachedSeconds).toBe(600);
  });

  it('shows auditors the people without a form to change them', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => json([{ username: 'alice', roles: ['ops'], disabled: false, apiScope: null, hasPassword: false }])));
    render(<MemoryRouter><People admin={false} /></MemoryRouter>);

    await waitFor(() => expect(screen.getByRole('link', { name: 'alice' })).toBeInTheDocument());
    expect(screen.queryByRole('form', { name: 'New person' })).toBeNull();
    expect(screen.queryByRole('button')).toBeNull();
  });

  it('builds the agent command line with the token on standard input, never as an argument', () => {
    const command = agentCommand({ id: 'i', network: 'lab', expiresAt: 'x', token: 'gh_join_abc' },
      '-----BEGIN CERTIFICATE-----\nMII\n-----END CERTIFICATE-----\n', 'edge-1', 'gw.example:4443');
    expect(command).toContain("echo 'gh_join_abc' | java -jar gatehouse-agent.jar join --gateway gw.example:4443 --network lab");
    expect(command).toContain('--token-file -');
    expect(command).toContain('-----END CERTIFICATE-----\nEOF');
  });

  it('reads lists and label selectors the way the forms write them', () => {
    expect(listOf('root, deploy\n ops ,')).toEqual(['root', 'deploy', 'ops']);
    expect(labelsOf('team=ops, env = prod\n*=*')).toEqual({ team: 'ops', env: 'prod', '*': '*' });
  });
});
