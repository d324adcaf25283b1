import { z } from 'zod';
import type { SweepWindow } from './plan';

/*
 * Where a reconciliation pass stands in its window, so a pass stopped by its time budget resumes on the
 * next run without reading the pages it finished. Pure: pass.ts reads and writes the checkpoint through
 * JobState (Custom Object `clarus-jobs/checkpoint-reconciliation`).
 *
 * A pass walks two id-sorted reads of commercetools orders: the sweep (orders without export), then the
 * dispatch checks (exported, not shipped). `afterId` is the last order id the step finished: its read
 * continues with `id > afterId`, which stays correct while the pass exports orders (they leave the
 * sweep's predicate behind the cursor, never ahead of it).
 */

const HOUR = 3_600_000;

export const STAGES = ['sweep', 'dispatch'] as const;
export type PassStage = (typeof STAGES)[number];

/** A step of the pass and the last order id it finished (absent: the step starts at its first page). */
export interface PassPosition {
  stage: PassStage;
  afterId?: string;
}

const checkpointSchema = z.object({
  passStartedAt: z.string(),
  position: z.object({ stage: z.enum(STAGES), afterId: z.string().optional() }),
  sweepWindow: z.object({ from: z.string(), to: z.string() }),
  dispatchFrom: z.string(),
});

/** What a stopped pass saves: its position and the windows it was reading (a resumed run keeps them). */
export type PassCheckpoint = z.infer<typeof checkpointSchema>;

/** The windows a new pass would read now. */
export interface FreshPass {
  startedAt: string;
  sweepWindow: SweepWindow;
  dispatchFrom: string;
}

/** What this run does: which windows, and where each step starts (`skip`: finished by an earlier run). */
export interface RunPlan {
  passStartedAt: string;
  sweepWindow: SweepWindow;
  dispatchFrom: string;
  sweep: { skip: boolean; after?: string };
  dispatch: { after?: string };
  resumed?: PassPosition;
}

/** A stored checkpoint, or undefined when it is absent or unreadable (e.g. from an older version). */
export function parseCheckpoint(data: unknown): PassCheckpoint | undefined {
  const parsed = checkpointSchema.safeParse(data);
  return parsed.success ? parsed.data : undefined;
}

/**
 * Pure: resume the checkpointed pass, or start a new one. A checkpoint older than the look-back is dropped:
 * its window has passed, and the new pass's window covers the orders that still matter.
 */
export function planRun(
  fresh: FreshPass,
  checkpoint: PassCheckpoint | undefined,
  lookbackHours: number,
): RunPlan {
  const stale =
    checkpoint !== undefined &&
    Date.parse(fresh.startedAt) - Date.parse(checkpoint.passStartedAt) > lookbackHours * HOUR;
  if (!checkpoint || stale) {
    return {
      passStartedAt: fresh.startedAt,
      sweepWindow: fresh.sweepWindow,
      dispatchFrom: fresh.dispatchFrom,
      sweep: { skip: false },
      dispatch: {},
    };
  }
  const { position } = checkpoint;
  const at = position.afterId !== undefined ? { after: position.afterId } : {};
  return {
    passStartedAt: checkpoint.passStartedAt,
    sweepWindow: checkpoint.sweepWindow,
    dispatchFrom: checkpoint.dispatchFrom,
    sweep: position.stage === 'sweep' ? { skip: false, ...at } : { skip: true },
    dispatch: position.stage === 'dispatch' ? at : {},
    resumed: position,
  };
}

/** Pure: the checkpoint a run saves at `position`. */
export function checkpointAt(plan: RunPlan, position: PassPosition): PassCheckpoint {
  return {
    passStartedAt: plan.passStartedAt,
    position,
    sweepWindow: plan.sweepWindow,
    dispatchFrom: plan.dispatchFrom,
  };
}
