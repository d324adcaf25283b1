import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import type { OpsClient } from './ops-client';

/*
 * The ops client for the components below it, and a small read hook with loading / error / data states.
 * Nothing here knows whether the client goes through Merchant Center or a local stand-in.
 */

const OpsClientContext = createContext<OpsClient | undefined>(undefined);

export function OpsClientProvider(props: { client: OpsClient; children: ReactNode }) {
  return <OpsClientContext.Provider value={props.client}>{props.children}</OpsClientContext.Provider>;
}

export function useOpsClient(): OpsClient {
  const client = useContext(OpsClientContext);
  if (!client) throw new Error('useOpsClient needs an <OpsClientProvider> above it');
  return client;
}

export type OpsData<T> =
  | { state: 'loading'; reload: () => void }
  | { state: 'error'; error: Error; reload: () => void }
  | { state: 'ok'; data: T; reload: () => void };

/** GETs `path` (again when it changes or on `reload`); a stale answer never replaces a newer one. */
export function useOpsData<T>(path: string | undefined): OpsData<T> {
  const client = useOpsClient();
  const [generation, setGeneration] = useState(0);
  const [result, setResult] = useState<{ key: string; data?: T; error?: Error } | undefined>();
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  const key = `${path}#${generation}`;
  useEffect(() => {
    if (!path) return;
    let current = true;
    client.get<T>(path).then(
      (data) => current && setResult({ key, data }),
      (error: unknown) =>
        current && setResult({ key, error: error instanceof Error ? error : new Error(String(error)) }),
    );
    return () => {
      current = false;
    };
  }, [client, path, key]);
  if (!path || !result || result.key !== key) {
    // Keep showing the previous data while a reload runs (no flicker after an action).
    if (result?.data !== undefined && result.key.startsWith(`${path}#`))
      return { state: 'ok', data: result.data, reload };
    return { state: 'loading', reload };
  }
  if (result.error) return { state: 'error', error: result.error, reload };
  return { state: 'ok', data: result.data as T, reload };
}
