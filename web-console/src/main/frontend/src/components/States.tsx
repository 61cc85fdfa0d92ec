// The three states every list shares: loading, failed, empty.

export function Loading({ what }: { what: string }) {
  return <p className="state" role="status" aria-live="polite">Loading {what}…</p>;
}

export function ErrorNote({ message }: { message: string }) {
  return <p className="state error" role="alert">{message}</p>;
}

export function Empty({ children }: { children: React.ReactNode }) {
  return <p className="state empty">{children}</p>;
}
