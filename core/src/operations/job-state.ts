import { customObjectKey, type CustomObjects } from '../commercetools';
import { JOBS_CONTAINER } from './job-lock';

/** A job's resume point, e.g. the last SKU written, so a large catalogue continues within the time limit. */
export interface Checkpoint<T> {
  jobName: string;
  savedAt: string;
  data: T;
}

/** What the last run did (shown by the health endpoint). */
export interface LastRun<T> {
  jobName: string;
  savedAt: string;
  summary: T;
}

export interface JobState {
  getCheckpoint<T>(jobName: string): Promise<Checkpoint<T> | undefined>;
  saveCheckpoint<T>(jobName: string, data: T): Promise<void>;
  /** After a complete pass: the next run starts from the beginning. */
  clearCheckpoint(jobName: string): Promise<void>;
  getLastRun<T>(jobName: string): Promise<LastRun<T> | undefined>;
  saveLastRun<T>(jobName: string, summary: T): Promise<void>;
}

export const checkpointKey = (jobName: string) => customObjectKey('checkpoint', jobName);
export const lastRunKey = (jobName: string) => customObjectKey('last-run', jobName);

/**
 * Checkpoints and last-run summaries next to the job locks (container `clarus-jobs`). Writes are plain
 * overwrites: only the holder of the job's lock writes them. The payload types are the job's own; it
 * validates what it reads back (a checkpoint may come from an older version of the job).
 */
export function createJobState(
  objects: CustomObjects,
  options: { now?: () => Date; container?: string } = {},
): JobState {
  const container = options.container ?? JOBS_CONTAINER;
  const now = options.now ?? (() => new Date());
  return {
    getCheckpoint: async <T>(jobName: string) =>
      (await objects.get<Checkpoint<T>>(container, checkpointKey(jobName)))?.value,
    saveCheckpoint: async (jobName, data) => {
      await objects.put(container, checkpointKey(jobName), { jobName, savedAt: now().toISOString(), data });
    },
    clearCheckpoint: async (jobName) => {
      await objects.remove(container, checkpointKey(jobName));
    },
    getLastRun: async <T>(jobName: string) =>
      (await objects.get<LastRun<T>>(container, lastRunKey(jobName)))?.value,
    saveLastRun: async (jobName, summary) => {
      await objects.put(container, lastRunKey(jobName), { jobName, savedAt: now().toISOString(), summary });
    },
  };
}
