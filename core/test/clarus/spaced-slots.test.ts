import { SpacedSlots, type FreeSlot } from '../../src/clarus/spaced-slots';

/** Grants so far, in order, by label; fake timers move time (no sleeping). */
function recorder(slots: SpacedSlots) {
  const granted: string[] = [];
  const frees = new Map<string, FreeSlot>();
  const ask = (label: string) => {
    const request = slots.request();
    void request.granted.then((free) => {
      granted.push(label);
      frees.set(label, free);
    });
    return request;
  };
  return { granted, ask, free: (label: string) => frees.get(label)!() };
}

const flush = () => jest.advanceTimersByTimeAsync(0);

describe('SpacedSlots (the Clarus limiter’s concurrency and spacing)', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('holds at most maxConcurrent slots, first come first served; a freed slot goes to the next in line', async () => {
    const r = recorder(new SpacedSlots(2, 0));
    ['a', 'b', 'c', 'd'].forEach((label) => r.ask(label));
    await flush();
    expect(r.granted).toEqual(['a', 'b']);
    r.free('b');
    r.free('b'); // freeing twice frees once
    await flush();
    expect(r.granted).toEqual(['a', 'b', 'c']);
    r.free('a');
    await flush();
    expect(r.granted).toEqual(['a', 'b', 'c', 'd']);
  });

  it('spaces grants by minTime, and a new minTime applies from the next grant', async () => {
    const slots = new SpacedSlots(10, 100);
    const r = recorder(slots);
    ['a', 'b', 'c', 'd'].forEach((label) => r.ask(label));
    await flush();
    expect(r.granted).toEqual(['a']);
    await jest.advanceTimersByTimeAsync(99);
    expect(r.granted).toEqual(['a']);
    await jest.advanceTimersByTimeAsync(1);
    expect(r.granted).toEqual(['a', 'b']);
    slots.minTime = 20; // the adaptive rate went up
    await jest.advanceTimersByTimeAsync(100);
    expect(r.granted).toEqual(['a', 'b', 'c']);
    await jest.advanceTimersByTimeAsync(20);
    expect(r.granted).toEqual(['a', 'b', 'c', 'd']);
  });

  it('a cancelled request leaves the queue at once: the next one is granted in its place, on time', async () => {
    const r = recorder(new SpacedSlots(10, 100));
    r.ask('a');
    const b = r.ask('b');
    r.ask('c');
    await flush();
    expect(b.cancel()).toBe(true);
    await jest.advanceTimersByTimeAsync(100);
    expect(r.granted).toEqual(['a', 'c']);
    expect(b.cancel()).toBe(false);
  });

  it('cancel answers false once the slot was granted (the caller frees it)', async () => {
    const r = recorder(new SpacedSlots(1, 0));
    const a = r.ask('a');
    await flush();
    expect(a.cancel()).toBe(false);
    r.ask('b');
    r.free('a');
    await flush();
    expect(r.granted).toEqual(['a', 'b']);
  });

  it('keeps its schedule when a grant comes late, so the average stays at the rate; restarts after idling', async () => {
    const r = recorder(new SpacedSlots(10, 100));
    const start = performance.now();
    const grantedAt = (label: string) =>
      r.ask(label).granted.then(() => Math.round(performance.now() - start));
    const a = grantedAt('a');
    await jest.advanceTimersByTimeAsync(130); // b comes 30 ms after its due time (100)
    const b = grantedAt('b');
    const c = grantedAt('c');
    await jest.advanceTimersByTimeAsync(100);
    expect([await a, await b, await c]).toEqual([0, 130, 200]); // c due at 200, not 230
    await jest.advanceTimersByTimeAsync(300); // idle: a new schedule starts at the next request
    const d = grantedAt('d');
    const e = grantedAt('e');
    await jest.advanceTimersByTimeAsync(100);
    expect([await d, await e]).toEqual([530, 630]);
  });
});
