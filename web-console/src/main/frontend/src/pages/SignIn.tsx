import { useState } from 'react';
import { useApi, useSubmit } from '../hooks';
import { signIn, type Me, type SignInOptions } from '../api';
import { ErrorNote } from '../components/States';

// What the gateway says when it sends a browser back from a single sign-on it refused (`?sign-in=<code>`): fixed
// texts, so a crafted link cannot put words on this page.
const SSO_REFUSALS: Record<string, string> = {
  refused: 'Single sign-on refused: your account is disabled, or none of your groups gives access to the console.',
  expired: 'Single sign-on expired or was started in another browser; please sign in again.',
  cancelled: 'Single sign-on was cancelled at the identity provider.',
  failed: 'Single sign-on failed; the gateway\'s audit log says why.',
};

export function SignIn({ onSignedIn }: { onSignedIn: (me: Me) => void }) {
  const options = useApi<SignInOptions>('/session/options');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const { busy, error, submit } = useSubmit(async () => onSignedIn(await signIn(username, password)));
  const refusal = SSO_REFUSALS[new URLSearchParams(window.location.search).get('sign-in') ?? ''];
  const sso = options.value?.singleSignOn;
  // Until the options arrive the password form shows, as it did before single sign-on existed.
  const passwords = options.value?.passwordSignIn ?? true;

  return (
    <main className="centered">
      <form className="card signin" onSubmit={submit} aria-labelledby="signin-title">
        <h1 id="signin-title">Gatehouse</h1>
        <p className="muted">Sign in to the audit console</p>
        {refusal && <ErrorNote message={refusal} />}
        {sso && <a className="button primary sso" href={sso.url}>Sign in with {sso.name}</a>}
        {sso && passwords && <p className="muted or">or with your Gatehouse password</p>}
        {passwords && <>
          <label>Username<input name="username" autoComplete="username" autoFocus={!sso} required value={username}
            onChange={(e) => setUsername(e.target.value)} /></label>
          <label>Password<input name="password" type="password" autoComplete="current-password" required
            value={password} onChange={(e) => setPassword(e.target.value)} /></label>
          {error && <ErrorNote message={error} />}
          <button type="submit" className={sso ? '' : 'primary'} disabled={busy}>
            {busy ? 'Signing in…' : 'Sign in'}</button>
        </>}
      </form>
    </main>
  );
}
