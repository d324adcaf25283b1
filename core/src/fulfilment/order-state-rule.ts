import type { State } from '@commercetools/platform-sdk';

/** A commercetools State of type `OrderState`, as far as ordering goes. */
export interface OrderStateNode {
  id: string;
  key?: string;
  /** The state machine's entry state(s). */
  initial: boolean;
  /**
   * Ids of the states it may move to. `undefined` = not declared: commercetools then allows any transition,
   * which says nothing about what comes before what.
   */
  transitions?: string[];
}

/** Pure: commercetools States → the nodes the rule needs. */
export function orderStateNodesOf(states: readonly State[]): OrderStateNode[] {
  return states.map((s) => ({
    id: s.id,
    ...(s.key ? { key: s.key } : {}),
    initial: s.initial,
    ...(s.transitions ? { transitions: s.transitions.map((t) => t.id) } : {}),
  }));
}

/**
 * Pure: whether moving the order from its current state to the dispatch state (DISPATCH_ORDER_STATE_KEY)
 * moves it forward (DESIGN invariant 6: the configured order state is never set back).
 * - No state yet: forward.
 * - Already in it: nothing to do.
 * - The dispatch state leads (through declared transitions) to the current state: the order is past it
 *   (e.g. a person or a carrier integration moved it to "delivered"): never back.
 * - The current state leads to the dispatch state: forward.
 * - Otherwise only from an initial state; any other state was set deliberately and its place relative to
 *   the dispatch state is unknown, so it is left alone.
 */
export function isForwardTransition(
  currentStateId: string | undefined,
  targetStateId: string,
  states: readonly OrderStateNode[],
): boolean {
  if (currentStateId === undefined) return true;
  if (currentStateId === targetStateId) return false;
  const byId = new Map(states.map((s) => [s.id, s]));
  const current = byId.get(currentStateId);
  if (!current) return false;
  if (reaches(byId, targetStateId, currentStateId)) return false;
  if (reaches(byId, currentStateId, targetStateId)) return true;
  return current.initial;
}

/** Whether `to` can be reached from `from` through declared transitions (one or more steps). */
function reaches(byId: Map<string, OrderStateNode>, from: string, to: string): boolean {
  const seen = new Set<string>();
  const queue = [...(byId.get(from)?.transitions ?? [])];
  while (queue.length > 0) {
    const id = queue.shift()!;
    if (id === to) return true;
    if (seen.has(id)) continue;
    seen.add(id);
    queue.push(...(byId.get(id)?.transitions ?? []));
  }
  return false;
}
