/**
 * A small seeded PRNG (mulberry32): the soak's whole schedule comes from it, so a seed replays the same run.
 * Not for cryptography.
 */
export class Prng {
  private state: number;

  constructor(seed: number) {
    this.state = (seed * 0x9e3779b1) >>> 0 || 1;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** A shuffled copy (Fisher–Yates). */
  shuffle<T>(items: readonly T[]): T[] {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
    return out;
  }
}

/**
 * The apps' clock: real time plus an offset the soak moves forward (leases and holds expire without sleeping).
 * Never goes backwards.
 */
export class VirtualClock {
  private offsetMs = 0;

  /** `onAdvance` hears every new offset (the soak hands it to the emulator's process). */
  constructor(private readonly onAdvance: (offsetMs: number) => void = () => undefined) {}

  readonly now = (): number => Date.now() + this.offsetMs;

  advance(ms: number): void {
    if (ms <= 0) return;
    this.offsetMs += ms;
    this.onAdvance(this.offsetMs);
  }

  /** Moves the clock to at least `at` (epoch ms). */
  advanceTo(at: number): void {
    this.advance(at - this.now());
  }

  get skewMs(): number {
    return this.offsetMs;
  }
}
