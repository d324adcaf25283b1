import { startClarusSimulator } from '@clarus-connector/sandbox';
import {
  ClarusBudgetExceededError,
  ClarusRateLimitedError,
  ClarusTimeoutError,
  ClarusUnavailableError,
} from '@clarus-connector/core';
import { apiRequests, clientFor, type Simulator } from './harness';

describe('Clarus client: retries, timeouts, deadlines and rate limits', () => {
  let sim: Simulator;

  beforeAll(async () => {
    sim = await startClarusSimulator();
    sim.seedProducts([{ code: 'RS-1' }]);
  });
  afterAll(() => sim.close());
  beforeEach(() => {
    sim.clearFaults();
    sim.resetRequests();
  });

  const graphqlCalls = () => apiRequests(sim).filter((r) => r.path === '/graphql');

  it('retries a read after a 429 no sooner than Retry-After', async () => {
    const { client } = clientFor(sim);
    await client.listWarehouses();
    sim.resetRequests();
    sim.injectFault({ kind: 'rate_limit', count: 1, retryAfterSeconds: 1, match: { path: '/graphql' } });

    const found = await client.findProductsByCodes(['RS-1']);
    expect(found.map((p) => p.code)).toEqual(['RS-1']);
    const [throttled, retried] = graphqlCalls();
    expect(throttled?.status).toBe(429);
    expect(retried?.status).toBe(200);
    expect(retried!.at - throttled!.at).toBeGreaterThanOrEqual(1000);
  });

  it('surfaces the 429 when waiting Retry-After would pass the deadline', async () => {
    const { client } = clientFor(sim);
    await client.listWarehouses();
    sim.resetRequests();
    sim.injectFault({ kind: 'rate_limit', count: 1, retryAfterSeconds: 5, match: { path: '/graphql' } });

    const error = await client
      .findProductsByCodes(['RS-1'], { deadline: Date.now() + 1000 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClarusRateLimitedError);
    expect((error as ClarusRateLimitedError).retryAfterMs).toBe(5000);
    expect((error as ClarusRateLimitedError).retryable).toBe(true);
    expect(graphqlCalls()).toHaveLength(1);
  });

  it('retries reads with backoff after 5xx answers', async () => {
    const { client, logs } = clientFor(sim);
    await client.listWarehouses();
    sim.resetRequests();
    sim.injectFault({ kind: 'server_error', count: 2, status: 503, match: { path: '/graphql' } });

    const found = await client.findProductsByCodes(['RS-1']);
    expect(found).toHaveLength(1);
    expect(graphqlCalls().map((r) => r.status)).toEqual([503, 503, 200]);
    const attempts = logs.lines
      .filter((l) => l.message === 'clarus request' && l.path === '/graphql')
      .map((l) => l.attempt);
    expect(attempts.slice(-3)).toEqual([1, 2, 3]);
    expect(logs.lines.filter((l) => l.message === 'clarus request retry')).toHaveLength(2);
  });

  it('gives up on reads after the bounded number of attempts', async () => {
    const { client } = clientFor(sim, {}, { retry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 20 } });
    await client.listWarehouses();
    sim.resetRequests();
    sim.injectFault({ kind: 'server_error', status: 500, match: { path: '/graphql' } });

    await expect(client.findProductsByCodes(['RS-1'])).rejects.toBeInstanceOf(ClarusUnavailableError);
    expect(graphqlCalls()).toHaveLength(3);
  });

  it('retries a read after a dropped connection', async () => {
    const { client } = clientFor(sim);
    await client.listWarehouses();
    sim.resetRequests();
    sim.injectFault({ kind: 'drop', count: 1, match: { path: '/graphql' } });
    await expect(client.findProductsByCodes(['RS-1'])).resolves.toHaveLength(1);
    expect(graphqlCalls()).toHaveLength(2);
  });

  it('times out a hanging read with ClarusTimeoutError, then retries it', async () => {
    const { client } = clientFor(
      sim,
      { requestTimeoutMs: 250 },
      { retry: { maxAttempts: 2, baseDelayMs: 10, maxDelayMs: 20 } },
    );
    await client.listWarehouses();
    sim.injectFault({ kind: 'hang', count: 1, match: { path: '/graphql' } });
    await expect(client.findProductsByCodes(['RS-1'])).resolves.toHaveLength(1);

    sim.injectFault({ kind: 'hang', count: 2, match: { path: '/graphql' } });
    const started = Date.now();
    const error = await client.findProductsByCodes(['RS-1']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClarusTimeoutError);
    expect((error as ClarusTimeoutError).mayHaveSucceeded).toBe(false); // a read
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('cuts the request timeout to the time left before the deadline', async () => {
    const { client } = clientFor(sim, { requestTimeoutMs: 5000 });
    await client.listWarehouses();
    sim.injectFault({ kind: 'hang', count: 1, match: { path: '/graphql' } });
    const started = Date.now();
    const error = await client
      .findProductsByCodes(['RS-1'], { deadline: started + 300 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClarusBudgetExceededError);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('fails with ClarusBudgetExceededError when the deadline passes while waiting for the limiter', async () => {
    const { client } = clientFor(sim, { maxRequestsPerSecond: 2, maxConcurrency: 1 });
    await client.listWarehouses(); // token + one call: the limiter is now busy for the next ~500 ms
    sim.resetRequests();

    const deadline = Date.now() + 400;
    const results = await Promise.allSettled([
      client.findProductsByCodes(['RS-1'], { deadline }),
      client.findProductsByCodes(['RS-1'], { deadline }),
      client.findProductsByCodes(['RS-1'], { deadline }),
    ]);
    const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(failures.length).toBeGreaterThanOrEqual(2);
    for (const failure of failures) {
      expect(failure.reason).toBeInstanceOf(ClarusBudgetExceededError);
      expect((failure.reason as ClarusBudgetExceededError).retryable).toBe(true);
      expect((failure.reason as ClarusBudgetExceededError).mayHaveSucceeded).toBe(false);
    }
    expect(Date.now()).toBeLessThan(deadline + 200);
    // Requests given up in the queue were never sent.
    expect(graphqlCalls().length).toBe(results.length - failures.length);
  });

  it('honours an abort signal', async () => {
    const { client } = clientFor(sim);
    const controller = new AbortController();
    await client.listWarehouses();
    sim.injectFault({ kind: 'hang', count: 1, match: { path: '/graphql' } });
    const pending = client.findProductsByCodes(['RS-1'], { signal: controller.signal });
    setTimeout(() => controller.abort(new Error('stop')), 50);
    await expect(pending).rejects.toThrow('stop');
  });

  it('keeps requests per second under the configured limit', async () => {
    // Client side: when each request left (the limiter's own guarantee, free of server scheduling noise).
    const sentAt: number[] = [];
    const recording: typeof fetch = (input, init) => {
      if (String(input).endsWith('/graphql')) sentAt.push(performance.now());
      return fetch(input, init);
    };
    const { client } = clientFor(sim, { maxRequestsPerSecond: 5, maxConcurrency: 10 }, { fetch: recording });
    await client.listWarehouses();
    sim.resetRequests();
    sentAt.length = 0;

    await Promise.all(Array.from({ length: 10 }, () => client.findProductsByCodes(['RS-1'])));

    // Server side (request log arrival times): 10 requests at 5 rps span at least 9 × 200 ms, less jitter.
    const times = graphqlCalls().map((r) => r.at);
    expect(times).toHaveLength(10);
    const span = Math.max(...times) - Math.min(...times);
    expect(span).toBeGreaterThanOrEqual(1600);
    expect((times.length - 1) / (span / 1000)).toBeLessThanOrEqual(5.6);
    // No six requests within a second (the limiter spaces starts 200 ms apart; network and event-loop jitter
    // can bring two arrivals closer, so allow 100 ms): checked where they left and where they arrived.
    expect(sentAt).toHaveLength(10);
    for (const series of [sentAt, times]) {
      for (let i = 0; i + 5 < series.length; i++)
        expect(series[i + 5]! - series[i]!).toBeGreaterThanOrEqual(900);
    }
  });
});
