import type { components } from './generated/openapi';

// The gateway's REST API as the console calls it: the session cookie authenticates, and every change carries the
// XSRF-TOKEN cookie's value in X-XSRF-TOKEN (Spring Security's SPA CSRF scheme).

/** One entry of a problem's `errors` member: the request field at fault (`roles[0]`, `publicKey`) and why. */
export interface FieldProblem { field: string; message: string }

export class ApiError extends Error {
  constructor(readonly status: number, message: string, readonly errors: FieldProblem[] = []) {
    super(message);
  }
}

// Every type the API sends is generated from the gateway's OpenAPI document (openapi.json, kept equal to the served
// one by the control plane's ConsoleOpenApiIT; `npm run types` turns it into src/generated/openapi.ts). The
// document marks no property of a response as required although the gateway always writes each record component,
// so a reply is read as having every property; those that may be null say so where they are used (`?? '—'`).
type Schemas = components['schemas'];
export type Reply<T> = { [K in keyof T]-?: T[K] extends object[] | undefined ? Reply<NonNullable<T[K]>[number]>[]
  : T[K] extends object | undefined ? Reply<NonNullable<T[K]>> : T[K] };

export type Me = Reply<Schemas['SessionView']>;
/** How the sign-in page may sign people in: passwords, and the identity provider's button when configured. */
export type SignInOptions = Reply<Schemas['SignInOptions']>;
/** source: where the line was read (typed, terminal, osc133, joined by + when they agreed; exec; bastion). */
export type CommandHit = Reply<Schemas['CommandHit']>;
export type SessionSummary = Reply<Schemas['SessionSummary']>;
export type SessionPage = Reply<Schemas['SessionPage']>;
export type SessionDetail = Reply<Schemas['SessionDetail']>;
export type SessionEvent = Reply<Schemas['StoredEventView']>;
export type AuditEvent = Reply<Schemas['EventView']>;
export type AuditPage = Reply<Schemas['EventPage']>;
export type Agent = Reply<Schemas['Agent']>;
export type Host = Reply<Schemas['Host']>;
export type User = Reply<Schemas['User']>;
export type SshKey = Reply<Schemas['SshKey']>;
export type Role = Reply<Schemas['Role']>;
export type Network = Reply<Schemas['Network']>;
export type JoinToken = Reply<Schemas['JoinToken']>;
export type CreatedJoinToken = Reply<Schemas['CreatedJoinToken']>;
export type ApiTokenView = Reply<Schemas['ApiTokenView']>;
export type CreatedApiToken = Reply<Schemas['CreatedApiToken']>;
/** status: pending, approved, denied, expired, cancelled; decidedBy/decidedAt/expiresAt null while pending. */
export type AccessRequest = Reply<Schemas['AccessRequest']>;
export type SshApproval = Reply<Schemas['ApprovalView']>;
export type SshApprovalOutcome = Reply<Schemas['Outcome']>;

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
  let errors: FieldProblem[] = [];
  try {
    const problem = await response.json();
    message = problem.detail ?? problem.title ?? message;
    if (Array.isArray(problem.errors)) {
      errors = problem.errors.filter((e: FieldProblem) => typeof e?.field === 'string' && typeof e?.message === 'string');
    }
  } catch {
    // Not problem+json (a proxy's page, say): the status line is all there is.
  }
  return new ApiError(response.status, message, errors);
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

export async function getText(path: string): Promise<string> {
  return (await request(path, { headers: { Accept: 'text/plain, application/x-pem-file' } })).text();
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
export const answerApproval = (code: string, decision: 'approve' | 'deny', reason?: string) =>
  postJson<SshApprovalOutcome>(`/ssh-approvals/${encodeURIComponent(code)}`,
    { decision, reason: reason || undefined }) as Promise<SshApprovalOutcome>;
