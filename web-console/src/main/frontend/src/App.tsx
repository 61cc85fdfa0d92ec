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
import { People } from './admin/People';
import { Person } from './admin/Person';
import { Roles } from './admin/Roles';
import { Networks } from './admin/Networks';
import { JoinTokens } from './admin/JoinTokens';
import { ApiTokens } from './admin/ApiTokens';
import { AccessRequests } from './pages/AccessRequests';
import { Approve } from './pages/Approve';

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

  // Auditors see every page read-only; the API refuses their changes anyway. A person with no scope has their
  // access requests and the approval of their own SSH logins (/approve/<code>) only.
  const admin = me.scope === 'admin';
  const person = me.scope == null;
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
          {!person && <NavLink to="/sessions">Sessions</NavLink>}
          {!person && <NavLink to="/audit">Audit log</NavLink>}
          {!person && <NavLink to="/people">People</NavLink>}
          {!person && <NavLink to="/roles">Roles</NavLink>}
          {!person && <NavLink to="/hosts">Hosts</NavLink>}
          {!person && <NavLink to="/networks">Networks</NavLink>}
          {!person && <NavLink to="/join-tokens">Join tokens</NavLink>}
          {!person && <NavLink to="/agents">Agents</NavLink>}
          {!person && <NavLink to="/api-tokens">API tokens</NavLink>}
          <NavLink to="/access-requests">Access requests</NavLink>
        </nav>
        <span className="spacer" />
        <ThemeToggle />
        <span className="who" data-testid="who">{me.username} · {me.scope ?? 'person'}</span>
        <button type="button" onClick={leave}>Sign out</button>
      </header>
      <main id="main" tabIndex={-1}>
        <Routes>
          <Route path="/" element={<Navigate to={person ? '/access-requests' : '/sessions'} replace />} />
          <Route path="/access-requests" element={<AccessRequests />} />
          <Route path="/sessions" element={<Sessions />} />
          <Route path="/sessions/:id" element={<SessionPage me={me} />} />
          <Route path="/audit" element={<AuditLog />} />
          <Route path="/people" element={<People admin={admin} />} />
          <Route path="/people/:username" element={<Person admin={admin} />} />
          <Route path="/roles" element={<Roles admin={admin} />} />
          <Route path="/hosts" element={<Hosts admin={admin} />} />
          <Route path="/networks" element={<Networks admin={admin} />} />
          <Route path="/join-tokens" element={<JoinTokens admin={admin} />} />
          <Route path="/agents" element={<Agents admin={admin} />} />
          <Route path="/api-tokens" element={<ApiTokens admin={admin} />} />
          <Route path="/approve/:code" element={<Approve />} />
          <Route path="*" element={<ErrorNote message="No such page." />} />
        </Routes>
      </main>
    </>
  );
}
