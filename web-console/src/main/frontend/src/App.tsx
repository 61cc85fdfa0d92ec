import { useCallback, useEffect, useState } from 'react';
import { NavLink, Navigate, Route, Routes } from 'react-router-dom';
import { ApiError, signOut, whoAmI, type Me } from './api';
import { Loading, ErrorNote } from './components/States';
import { ThemeToggle } from './components/ThemeToggle';
import { SignIn } from './pages/SignIn';
import { Sessions } from './pages/Sessions';
import { SessionPage } from './pages/SessionPage';
import { AuditLog } from './pages/AuditLog';
import { Agents } from './pages/Agents';
import { Hosts } from './pages/Hosts';

export function App() {
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);

  const check = useCallback(() => {
    whoAmI().then(setMe).catch((e: unknown) => {
      if (e instanceof ApiError && (e.status === 401 || e.status === 403)) setMe(null);
      else setError(e instanceof Error ? e.message : String(e));
    });
  }, []);
  useEffect(check, [check]);

  if (error) return <main className="centered"><ErrorNote message={`Cannot reach the gateway: ${error}`} /></main>;
  if (me === undefined) return <main className="centered"><Loading what="console" /></main>;
  if (me === null) return <SignIn onSignedIn={setMe} />;

  const leave = async () => {
    await signOut().catch(() => undefined);
    setMe(null);
  };
  return (
    <>
      <a className="skip" href="#main" onClick={(e) => { e.preventDefault(); document.getElementById('main')?.focus(); }}>
        Skip to content
      </a>
      <header className="top">
        <span className="brand">Gatehouse</span>
        <nav aria-label="Main">
          <NavLink to="/sessions">Sessions</NavLink>
          <NavLink to="/audit">Audit log</NavLink>
          <NavLink to="/hosts">Hosts</NavLink>
          <NavLink to="/agents">Agents</NavLink>
        </nav>
        <span className="spacer" />
        <ThemeToggle />
        <span className="who" data-testid="who">{me.username} · {me.scope}</span>
        <button type="button" onClick={leave}>Sign out</button>
      </header>
      <main id="main" tabIndex={-1}>
        <Routes>
          <Route path="/" element={<Navigate to="/sessions" replace />} />
          <Route path="/sessions" element={<Sessions />} />
          <Route path="/sessions/:id" element={<SessionPage me={me} />} />
          <Route path="/audit" element={<AuditLog />} />
          <Route path="/hosts" element={<Hosts />} />
          <Route path="/agents" element={<Agents />} />
          <Route path="*" element={<ErrorNote message="No such page." />} />
        </Routes>
      </main>
    </>
  );
}
