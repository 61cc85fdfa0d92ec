import { useEffect, useState, type FormEvent } from 'react';

/** Loads once per `key`: the value, or the error message; both null while loading. */
export function useLoad<T>(load: () => Promise<T>, key: string): { value: T | null; error: string | null } {
  const [state, setState] = useState<{ value: T | null; error: string | null }>({ value: null, error: null });
  useEffect(() => {
    let current = true;
    setState({ value: null, error: null });
    load().then((value) => current && setState({ value, error: null }))
      .catch((e: unknown) => current && setState({ value: null, error: e instanceof Error ? e.message : String(e) }));
    return () => { current = false; };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
  return state;
}

/** A form's submit handler that runs `action`, showing busy while it runs and its error message if it fails. */
export function useSubmit(action: () => Promise<void>) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, submit };
}
