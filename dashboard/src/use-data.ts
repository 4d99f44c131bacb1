// Loading state for one API call, reloaded when its key changes or on demand.

import { useCallback, useEffect, useRef, useState } from 'preact/hooks';

export interface Data<T> {
  value: T | null;
  error: string | null;
  loading: boolean;
  reload: () => void;
}

/** Runs `load` whenever `key` changes (and on reload()); keeps the last value while reloading. */
export function useData<T>(key: string, load: () => Promise<T>, refreshMs?: number): Data<T> {
  const [state, setState] = useState<{ value: T | null; error: string | null; loading: boolean }>({
    value: null,
    error: null,
    loading: true,
  });
  const [tick, setTick] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    loadRef.current().then(
      (value) => live && setState({ value, error: null, loading: false }),
      (error: unknown) => live && setState((s) => ({ ...s, error: (error as Error).message, loading: false })),
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
  return { ...state, reload };
}
