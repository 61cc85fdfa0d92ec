import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { ApiError, getJson } from './api';

export interface Loaded<T> { value: T | null; error: string | null; reload: () => void }

/**
 * The console's one data-fetching hook: GETs `path` from the API (again whenever `path` changes or `reload()` is
 * called) and gives the value, or the error message; both null while loading. A null path loads nothing.
 */
export function useApi<T>(path: string | null): Loaded<T> {
  // What was loaded, and for which path: a reload keeps showing the old value until the new one arrives, while a
  // new path shows nothing of the old one.
  const [state, setState] = useState<{ path: string | null; value: T | null; error: string | null }>(
    { path: null, value: null, error: null });
  const [round, setRound] = useState(0);
  useEffect(() => {
    if (path === null) return;
    let current = true;
    getJson<T>(path).then((value) => current && setState({ path, value, error: null }))
      .catch((e: unknown) => current && setState({ path, value: null, error: messageOf(e) }));
    return () => { current = false; };
  }, [path, round]);
  const reload = useCallback(() => setRound((r) => r + 1), []);
  const fresh = state.path === path;
  return { value: fresh ? state.value : null, error: fresh ? state.error : null, reload };
}

export function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * A form's submit handler that runs `action`, showing busy while it runs. When it fails with the API's problem+json,
 * `fieldErrors` holds each named field's message (shown beside that field) and `error` the problem's detail.
 */
export function useSubmit(action: () => Promise<void>) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const submit = async (event?: FormEvent) => {
    event?.preventDefault();
    setBusy(true);
    setError(null);
    setFieldErrors({});
    try {
      await action();
    } catch (e) {
      setError(messageOf(e));
      if (e instanceof ApiError) setFieldErrors(Object.fromEntries(e.errors.map((f) => [f.field, f.message])));
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, fieldErrors, submit };
}
