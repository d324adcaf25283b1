import { runBatchWindow } from '../../src/inventory/batch-window';
import { createSlots } from '../../src/inventory/write-entries';

/** A promise resolved or rejected from the test, to finish batches in any order without timers. */
function deferred() {
  let resolve: () => void = () => undefined;
  let reject: (error: unknown) => void = () => undefined;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

const batches = [['A', 'B'], ['C'], ['D', 'E'], ['F']];

describe('the job batch window (several batches writing at once, progress in order)', () => {
  it('keeps up to `window` batches in flight and reports progress only for the in-order prefix', async () => {
    const pending = new Map<string, ReturnType<typeof deferred>>();
    const started: string[] = [];
    const progress: string[] = [];
    const run = runBatchWindow({
      batches,
      window: 2,
      now: () => 0,
      shouldStop: () => false,
      run: (batch) => {
        started.push(batch[0] as string);
        const d = deferred();
        pending.set(batch[0] as string, d);
        return d.promise;
      },
      onProgress: async (lastDone, skus) => void progress.push(`${lastDone}:${skus.join('')}`),
    });
    await flush();
    expect(started).toEqual(['A', 'C']); // two in flight, the third waits
    pending.get('C')?.resolve(); // the second finishes first: no progress yet (A is still writing)
    await flush();
    expect(progress).toEqual([]);
    expect(started).toEqual(['A', 'C', 'D']);
    pending.get('A')?.resolve();
    await flush();
    expect(progress).toEqual(['C:ABC']);
    pending.get('D')?.resolve();
    await flush();
    pending.get('F')?.resolve();
    await expect(run).resolves.toEqual({ stopped: false });
    expect(progress).toEqual(['C:ABC', 'E:DE', 'F:F']);
  });

  it('a failing batch starts nothing more, lets the ones in flight finish, keeps the progress before it, throws', async () => {
    const pending = new Map<string, ReturnType<typeof deferred>>();
    const progress: string[] = [];
    const run = runBatchWindow({
      batches,
      window: 3,
      now: () => 0,
      shouldStop: () => false,
      run: (batch) => {
        const d = deferred();
        pending.set(batch[0] as string, d);
        return d.promise;
      },
      onProgress: async (lastDone) => void progress.push(lastDone),
    });
    await flush();
    pending.get('C')?.reject(new Error('Clarus down'));
    pending.get('A')?.resolve();
    await flush();
    let settled = false;
    void run.catch(() => (settled = true));
    await flush();
    expect(settled).toBe(false); // D is still writing
    pending.get('D')?.resolve();
    await expect(run).rejects.toThrow('Clarus down');
    expect(pending.has('F')).toBe(false);
    expect(progress).toEqual(['B']);
  });

  it('stops starting batches when asked; the ones started finish and count', async () => {
    const progress: string[] = [];
    const result = await runBatchWindow({
      batches,
      window: 8,
      now: () => 0,
      shouldStop: ({ started }) => started >= 2,
      run: async () => undefined,
      onProgress: async (lastDone) => void progress.push(lastDone),
    });
    expect(result).toEqual({ stopped: true });
    expect(progress.at(-1)).toBe('C');
  });
});

describe('write slots shared by the batches in flight', () => {
  it('never runs more tasks at once than slots, and runs every task', async () => {
    const slots = createSlots(3);
    let running = 0;
    let most = 0;
    const gates = Array.from({ length: 10 }, () => deferred());
    const all = Promise.all(
      gates.map((gate) =>
        slots(async () => {
          running += 1;
          most = Math.max(most, running);
          await gate.promise;
          running -= 1;
        }),
      ),
    );
    for (const gate of gates) {
      await flush();
      gate.resolve();
    }
    await all;
    expect(most).toBe(3);
  });
});
