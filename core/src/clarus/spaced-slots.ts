/** Frees a slot; calling it again does nothing. */
export type FreeSlot = () => void;

/** A place in the queue: `granted` resolves with the slot; `cancel` leaves the queue if still waiting. */
export interface SlotRequest {
  granted: Promise<FreeSlot>;
  /** True when the request was still queued and is now gone; false when its slot was already granted. */
  cancel(): boolean;
}

/**
 * First come, first served request slots: at most `maxConcurrent` held at once, and no two granted less
 * than `minTime` ms apart (spacing, so any window sees at most its share of the rate). `minTime` may change
 * at any moment (the adaptive rate) and applies from the next grant. Time is the global `performance.now()`
 * (monotonic), the spacing is waited out with timers.
 *
 * Replaces bottleneck's `maxConcurrent` + `minTime` (the same two rules), which cost the event app about
 * 0.8 ms of CPU per Clarus request in its internal locks and async generators
 * (docs/adr/0018-keep-alive-http-client.md). A cancelled request leaves the queue at once instead of
 * holding a `minTime` interval when its turn comes.
 */
export class SpacedSlots {
  private readonly waiting: ((free: FreeSlot) => void)[] = [];
  private held = 0;
  private nextGrantAt = -Infinity;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly maxConcurrent: number,
    /** Least ms between two grants. */
    public minTime: number,
  ) {}

  request(): SlotRequest {
    let grant!: (free: FreeSlot) => void;
    const granted = new Promise<FreeSlot>((resolve) => (grant = resolve));
    this.waiting.push(grant);
    this.pump();
    return {
      granted,
      cancel: () => {
        const at = this.waiting.indexOf(grant);
        if (at < 0) return false;
        this.waiting.splice(at, 1);
        return true;
      },
    };
  }

  /** Grants slots while any is free and the spacing allows; otherwise waits for the spacing. */
  private pump(): void {
    while (this.waiting.length > 0 && this.held < this.maxConcurrent) {
      const now = performance.now();
      if (now < this.nextGrantAt) {
        this.timer ??= setTimeout(
          () => {
            this.timer = undefined;
            this.pump();
          },
          Math.ceil(this.nextGrantAt - now),
        );
        return;
      }
      const grant = this.waiting.shift()!;
      this.held += 1;
      // A grant a timer's lateness after its due time keeps the schedule (the average stays at the rate);
      // one after an idle spell starts a new schedule from now.
      this.nextGrantAt = (now - this.nextGrantAt < this.minTime ? this.nextGrantAt : now) + this.minTime;
      let freed = false;
      grant(() => {
        if (freed) return;
        freed = true;
        this.held -= 1;
        this.pump();
      });
    }
  }
}
