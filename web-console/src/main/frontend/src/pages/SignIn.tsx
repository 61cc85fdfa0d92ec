import { useState } from 'react';
import { useSubmit } from '../hooks';
import { signIn, type Me } from '../api';
import { ErrorNote } from '../components/States';

export function SignIn({ onSignedIn }: { onSignedIn: (me: Me) => void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const { busy, error, submit } = useSubmit(async () => onSignedIn(await signIn(username, password)));

  return (
    <main className="centered">
      <form className="card signin" onSubmit={submit} aria-labelledby="signin-title">
        <h1 id="signin-title">Gatehouse</h1>
        <p className="muted">Sign in to the audit console</p>
        <label>Username<input name="username" autoComplete="username" autoFocus required value={username}
          onChange={(e) => setUsername(e.target.value)} /></label>
        <label>Password<input name="password" type="password" autoComplete="current-password" required value={password}
          onChange={(e) => setPassword(e.target.value)} /></label>
        {error && <ErrorNote message={error} />}
        <button type="submit" className="primary" disabled={busy}>{busy ? 'Signing in…' : 'Sign in'}</button>
      </form>
    </main>
  );
}
