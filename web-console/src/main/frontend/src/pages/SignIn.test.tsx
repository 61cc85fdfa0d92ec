import { afterEach, describe, expect, it, vi } from 'vitest';
import { render, screen } from '@testing-library/react';
import { SignIn } from './SignIn';

afterEach(() => {
  vi.unstubAllGlobals();
  window.history.replaceState(null, '', '/');
});

const options = (body: unknown) => vi.fn(async () => new Response(JSON.stringify(body),
  { status: 200, headers: { 'Content-Type': 'application/json' } }));

describe('sign-in page', () => {
  it('offers the identity provider and hides the password form when passwords are off', async () => {
    vi.stubGlobal('fetch', options({ passwordSignIn: false, singleSignOn: { name: 'Corp SSO', url: '/api/v1/session/oidc' } }));
    render(<SignIn onSignedIn={() => undefined} />);

    const button = await screen.findByRole('link', { name: 'Sign in with Corp SSO' });
    expect(button.getAttribute('href')).toBe('/api/v1/session/oidc');
    expect(screen.queryByLabelText('Password')).toBeNull();
  });

  it('shows the password form alone when no identity provider is configured', async () => {
    const fetch = options({ passwordSignIn: true, singleSignOn: null });
    vi.stubGlobal('fetch', fetch);
    render(<SignIn onSignedIn={() => undefined} />);

    await vi.waitFor(() => expect(fetch).toHaveBeenCalled());
    expect(screen.getByLabelText('Password')).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: /Sign in with/ })).toBeNull();
  });

  it('says why a single sign-on was refused with its own words, whatever the link carries', async () => {
    vi.stubGlobal('fetch', options({ passwordSignIn: false, singleSignOn: { name: 'Corp SSO', url: '/x' } }));
    window.history.replaceState(null, '', '/?sign-in=refused');
    render(<SignIn onSignedIn={() => undefined} />);

    expect(await screen.findByText(/Single sign-on refused/)).toBeInTheDocument();
  });
});
