// Loading state for one API call, reloaded when its key changes or on demand.

import { useCallback, useEffect, useRef, useState } from 'preact/hooks';

export interface Data<T> {
  value: T | null;
  error: string | null;
  loading: boolean;
  reload: () => void;
}

/**
 * Runs `load` whenever `key` changes (and on reload()). A reload of the same
 * key keeps showing the last value; a new key never shows the old key's value,
 * so a failed request for other data shows its error, not stale data under a
 * new label.
 */
export function useData<T>(key: string, load: () => Promise<T>, refreshMs?: number): Data<T> {
  const [state, setState] = useState<{ key: string; value: T | null; error: string | null; loading: boolean }>({
    key,
    value: null,
    error: null,
    loading: true,
  });
  const [tick, setTick] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  useEffect(() => {
    let live = true;
    setState((s) => (s.key === key ? { ...s, loading: true } : { key, value: null, error: null, loading: true }));
    loadRef.current().then(
      (value) => live && setState({ key, value, error: null, loading: false }),
      (error: unknown) => live && setState((s) => ({ ...s, key, error: (error as Error).message, loading: false })),
    );
    return () => {
      live = false;
    };
  }, [key, tick]);

  useEffect(() => {
    if (!refreshMs) return;
    const timer = setInterval(() => setTick((t) => t + 1), refreshMs);
    return () => clearInterval(timer);
  }, [refreshMs, key]);

  const reload = useCallback(() => setTick((t) => t + 1), []);
  // Until the effect above has run for a new key, the state still holds the old key's value.
  if (state.key !== key) return { value: null, error: null, loading: true, reload };
  return { value: state.value, error: state.error, loading: state.loading, reload };
}
