import { ADAPTIVE_RATE, createLimiter, initialRate, nextRate } from '../../src/clarus/limiter';

describe('adaptive Clarus rate (ADR 0016: instances share one tenant limit)', () => {
  it('starts at the configured ceiling', () => {
    expect(initialRate(100, 0).rate).toBe(100);
  });

  it('cuts the rate by the decrease factor on a 429, once per cooldown', () => {
    const cut = nextRate(initialRate(100, 0), 429, 5000);
    expect(cut.rate).toBe(100 * ADAPTIVE_RATE.decrease);
    // A second 429 from a request already in flight says nothing new.
    expect(nextRate(cut, 429, 5000 + ADAPTIVE_RATE.cooldownMs - 1).rate).toBe(cut.rate);
    expect(nextRate(cut, 429, 5000 + ADAPTIVE_RATE.cooldownMs).rate).toBe(100 * ADAPTIVE_RATE.decrease ** 2);
  });

  it('grows back by the increase share of the ceiling per second without a 429, never above the ceiling', () => {
    const cut = nextRate(initialRate(100, 0), 429, 0); // 75
    const after2s = nextRate(cut, 200, 2000);
    expect(after2s.rate).toBeCloseTo(75 + 100 * ADAPTIVE_RATE.increase * 2);
    expect(nextRate(after2s, 200, 3_600_000).rate).toBe(100);
  });

  it('ignores other failures, and never drops below the floor', () => {
    const cut = nextRate(initialRate(100, 0), 429, 0);
    expect(nextRate(cut, 503, 10_000).rate).toBe(cut.rate);
    let state = initialRate(100, 0);
    for (let t = 0; t < 100_000; t += 1000) state = nextRate(state, 429, t);
    expect(state.rate).toBe(100 * ADAPTIVE_RATE.floor);
  });

  it('the limiter spaces requests by the adapted rate', () => {
    let now = 0;
    const limiter = createLimiter({ maxRequestsPerSecond: 100, maxConcurrency: 4, now: () => now });
    expect(limiter.currentRate()).toBe(100);
    now = 10;
    limiter.observe({ status: 429 });
    expect(limiter.currentRate()).toBe(75);
    now = 1010;
    limiter.observe({ status: 201 });
    expect(limiter.currentRate()).toBeCloseTo(75 + 100 * ADAPTIVE_RATE.increase);
  });
});
