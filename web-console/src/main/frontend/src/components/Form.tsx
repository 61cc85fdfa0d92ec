import { useId, useState, type ReactNode } from 'react';
import { request } from '../api';
import { messageOf } from '../hooks';

/** The API's message for `name`, or for an element or member of it (`roles[1]`, `hostLabels.team`). */
export function errorFor(errors: Record<string, string>, name: string): string | undefined {
  const messages = Object.entries(errors)
    .filter(([field]) => field === name || field.startsWith(`${name}[`) || field.startsWith(`${name}.`))
    .map(([field, message]) => (field === name ? message : `${field}: ${message}`));
  return messages.length ? messages.join('; ') : undefined;
}

/** A labelled form control with the API's problem for that field shown beside it. */
export function Field({ label, name, errors, hint, children }: {
  label: string; name: string; errors: Record<string, string>; hint?: string;
  children: (props: { name: string; id: string; 'aria-invalid': boolean; 'aria-describedby'?: string }) => ReactNode;
}) {
  const id = useId();
  const problem = errorFor(errors, name);
  return (
    <div className={`field${problem ? ' invalid' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {children({ name, id, 'aria-invalid': Boolean(problem), 'aria-describedby': problem ? `${id}-error` : undefined })}
      {hint && !problem && <span className="hint small muted">{hint}</span>}
      {problem && <span className="field-error small" id={`${id}-error`} data-field={name} role="alert">{problem}</span>}
    </div>
  );
}

/** A secret the API returns once (a token): shown with a copy button and the warning that it will not come back. */
export function ShownOnce({ title, text, testId }: { title: string; text: string; testId: string }) {
  return (
    <div className="card once" role="status">
      <strong>{title}</strong> <span className="muted small">Shown this once: copy it now.</span>
      <pre className="mono copyable" data-testid={testId}>{text}</pre>
      <button type="button" onClick={() => void navigator.clipboard?.writeText(text).catch(() => undefined)}>Copy</button>
    </div>
  );
}

/** A DELETE through the API (delete, revoke, unpin) behind one confirmation; its problem shown beside the button. */
export function DeleteButton({ path, label, confirmText, onDone }: {
  path: string; label: string; confirmText: string; onDone: () => void;
}) {
  const [error, setError] = useState<string | null>(null);
  const run = async () => {
    if (!window.confirm(confirmText)) return;
    setError(null);
    try {
      await request(path, { method: 'DELETE' });
      onDone();
    } catch (e) {
      setError(messageOf(e));
    }
  };
  return (
    <>
      <button type="button" className="danger" onClick={() => void run()}>{label}</button>
      {error && <span className="field-error small" role="alert">{error}</span>}
    </>
  );
}
