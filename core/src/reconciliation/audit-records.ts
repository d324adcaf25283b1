import type { ExceptionEntity, ExceptionKind, ExceptionRecord, ExceptionStore } from '../operations';

/*
 * The record stage of the daily audits: raise what is new or changed, resolve what cleared. Shared by the
 * stock-alignment and master-data audits.
 */

export interface AuditCounts {
  raised: number;
  resolved: number;
}

export interface AuditRecords {
  /** The open exceptions of a kind by entity id. */
  openOf(kind: ExceptionKind): Promise<Map<string, ExceptionRecord>>;
  /** Raises unless the same condition is already open with the same message (saves a write per day). */
  raiseIfChanged(
    open: Map<string, ExceptionRecord>,
    counts: AuditCounts,
    input: {
      kind: ExceptionKind;
      entity: ExceptionEntity;
      message: string;
      details: Record<string, unknown>;
    },
  ): Promise<void>;
  /** Resolves the open exceptions whose entity id is not in `stillPresent`. */
  resolveCleared(
    kind: ExceptionKind,
    open: Map<string, ExceptionRecord>,
    stillPresent: ReadonlySet<string>,
    counts: AuditCounts,
  ): Promise<void>;
}

export function createAuditRecords(exceptions: ExceptionStore): AuditRecords {
  return {
    async openOf(kind) {
      const records = await exceptions.list({ kind, status: 'open' });
      return new Map(records.map((r) => [r.entity.id, r]));
    },
    async raiseIfChanged(open, counts, input) {
      if (open.get(input.entity.id)?.message === input.message) return;
      const { isNew } = await exceptions.raise(input);
      if (isNew) counts.raised += 1;
    },
    async resolveCleared(kind, open, stillPresent, counts) {
      for (const [id, record] of open) {
        if (stillPresent.has(id)) continue;
        if (await exceptions.resolve(kind, record.entity)) counts.resolved += 1;
      }
    },
  };
}
