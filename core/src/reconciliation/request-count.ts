import diagnostics from 'node:diagnostics_channel';

/*
 * Counts the HTTP requests a reconciliation pass makes, for its summary's requests per order. Both the
 * commercetools SDK and the Clarus transport send through undici (Node's global fetch, or undici's own
 * Agent), which publishes every request it creates on the `undici:request:create` diagnostics channel:
 * counting there needs no hook in either client, and includes retries and token requests. One pass runs per process (the
 * job lock), so the process's requests during the pass are the pass's.
 */

/** Origins (`protocol://host:port`) or URLs of the two systems; a URL's origin is what is compared. */
export interface RequestOrigins {
  commercetools: readonly string[];
  clarus: readonly string[];
}

export interface RequestCount {
  commercetools: number;
  clarus: number;
  /** Stops counting; returns the counts. */
  stop(): { commercetools: number; clarus: number };
}

const CHANNEL = 'undici:request:create';

const originOf = (url: string) => {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
};

/** Starts counting requests to the two systems' origins. */
export function countRequests(origins: RequestOrigins): RequestCount {
  const ct = new Set(origins.commercetools.map(originOf));
  const clarus = new Set(origins.clarus.map(originOf));
  const count = { commercetools: 0, clarus: 0 };
  const onRequest = (message: unknown) => {
    const raw = (message as { request?: { origin?: unknown } }).request?.origin;
    const origin = typeof raw === 'string' ? raw : raw instanceof URL ? raw.origin : undefined;
    if (origin === undefined) return;
    if (ct.has(origin)) count.commercetools += 1;
    else if (clarus.has(origin)) count.clarus += 1;
  };
  diagnostics.subscribe(CHANNEL, onRequest);
  let stopped = false;
  return {
    get commercetools() {
      return count.commercetools;
    },
    get clarus() {
      return count.clarus;
    },
    stop() {
      if (!stopped) diagnostics.unsubscribe(CHANNEL, onRequest);
      stopped = true;
      return { ...count };
    },
  };
}

/** Pure: requests per order read, rounded to 3 decimals (0 when no order was read). */
export function perOrder(requests: number, orders: number): number {
  return orders > 0 ? Math.round((requests / orders) * 1000) / 1000 : 0;
}
