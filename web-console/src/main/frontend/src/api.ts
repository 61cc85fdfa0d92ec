// The gateway's REST API as the console calls it: the session cookie authenticates, and every change carries the
// XSRF-TOKEN cookie's value in X-XSRF-TOKEN (Spring Security's SPA CSRF scheme).

export class ApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

export interface Me { username: string; scope: 'admin' | 'auditor' | null; via: string }

/** source: where the line was read (typed, terminal, osc133, joined by + when they agreed; exec; bastion). */
export interface CommandHit { sessionId: string; seq: number; offsetMillis: number; line: string; source: string; disagrees: boolean }

export interface SessionSummary {
  sessionId: string; user: string; login: string; host: string; network: string; sourceAddress: string;
  kind: string; startedAt: string; endedAt: string | null; status: 'running' | 'detached' | 'ended' | 'interrupted';
  exitStatus: number | null; exitSignal: string | null; chunks: number; outputBytes: number; matches: CommandHit[];
}

export interface SessionPage { sessions: SessionSummary[]; nextCursor: string | null }
export interface SessionDetail { session: SessionSummary; commands: CommandHit[] }
export interface SessionEvent {
  id: number; type: string; time: string; actor: string; target: string; outcome: string;
  details: Record<string, unknown> | null;
}
export interface AuditEvent extends SessionEvent { sourceAddress: string | null; sessionId: string | null; hash: string }
export interface AuditPage { events: AuditEvent[]; nextCursor: string | null }
export interface Agent {
  id: string; network: string; name: string; certSerial: string; lastSeenAt: string | null; version: string | null;
  createdAt: string;
}
export interface Host {
  name: string; address: string; labels: Record<string, string>; network: string; hostKey: string | null;
  hostKeySource: string | null;
}

export function csrfToken(cookies: string = document.cookie): string | undefined {
  for (const part of cookies.split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === 'XSRF-TOKEN') return decodeURIComponent(value.join('='));
  }
  return undefined;
}

/** Builds `path?query` from the non-empty entries of `params`. */
export function withQuery(path: string, params: Record<string, string | number | undefined | null>): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') query.set(key, String(value));
  }
  const text = query.toString();
  return text ? `${path}?${text}` : path;
}

async function failure(response: Response): Promise<ApiError> {
  let message = `${response.status} ${response.statusText}`;
  try {
    const problem = await response.json();
    message = problem.detail ?? problem.title ?? message;
  } catch {
    // Not problem+json (a proxy's page, say): the status line is all there is.
  }
  return new ApiError(response.status, message);
}

export async function request(path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  const method = (init.method ?? 'GET').toUpperCase();
  if (method !== 'GET' && method !== 'HEAD') {
    const token = csrfToken();
    if (token) headers.set('X-XSRF-TOKEN', token);
  }
  if (init.body !== undefined && !headers.has('Content-Type')) headers.set('Content-Type', 'application/json');
  headers.set('Accept', headers.get('Accept') ?? 'application/json');
  const response = await fetch(`/api/v1${path}`, { ...init, headers, credentials: 'same-origin' });
  if (!response.ok) throw await failure(response);
  return response;
}

export async function getJson<T>(path: string): Promise<T> {
  return (await request(path)).json() as Promise<T>;
}

export async function postJson<T>(path: string, body: unknown, method = 'POST'): Promise<T | null> {
  const response = await request(path, { method, body: body === undefined ? undefined : JSON.stringify(body) });
  return response.status === 204 ? null : ((await response.json()) as T);
}

export const signIn = (username: string, password: string) =>
  postJson<Me>('/session', { username, password }) as Promise<Me>;
export const signOut = () => request('/session', { method: 'DELETE' });
export const whoAmI = () => getJson<Me>('/session');
export const terminate = (id: string, reason: string) =>
  postJson<{ terminated: boolean }>(`/sessions/${encodeURIComponent(id)}/terminate`, { reason });
