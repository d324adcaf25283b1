import { GraphQLError } from 'graphql';

/**
 * Filter operators of the documented input types. Several operators in one input object must all
 * hold; a null operator value counts as absent.
 */
export type OperatorKind = 'string' | 'id' | 'datetime' | 'boolean' | 'decimal' | 'status';

export const INPUT_TYPE_OF: Record<OperatorKind, string> = {
  string: 'StringInputType',
  id: 'IdInputType',
  datetime: 'DatetimeInputType',
  boolean: 'BooleanInputType',
  decimal: 'DecimalInputType',
  status: 'StatusCodeInputType',
};

export const OPERATOR_INPUT_TYPES_SDL = `
"eq exact; ilike case-insensitive partial; like case-sensitive partial; in any of; between [from, to] inclusive"
input StringInputType { eq: String ilike: String like: String in: [String!] between: [String!] }
input IdInputType { eq: ID gt: ID gteq: ID lt: ID lteq: ID in: [ID!] filled: Boolean }
input DatetimeInputType { eq: String from: String to: String between: [String!] }
input BooleanInputType { eq: Boolean! }
input DecimalInputType { eq: Float gt: Float gteq: Float lt: Float lteq: Float between: [Float!] }
enum GoodsOutStatusCode { DRAFT PENDING PICK ALLOCATED PART_ALLOCATED COMPLETED CANCELLED }
input StatusCodeInputType { eq: GoodsOutStatusCode in: [GoodsOutStatusCode!] }
`;

type Operators = Record<string, unknown>;

export function matches(kind: OperatorKind, value: unknown, operators: Operators): boolean {
  for (const [op, operand] of Object.entries(operators)) {
    if (operand === null || operand === undefined) continue;
    if (!matchOne(kind, op, value, operand)) return false;
  }
  return true;
}

function matchOne(kind: OperatorKind, op: string, value: unknown, operand: unknown): boolean {
  switch (kind) {
    case 'string':
    case 'status':
      return matchString(op, value, operand);
    case 'id':
      return matchId(op, value, operand);
    case 'decimal':
      return matchNumber(op, typeof value === 'number' ? value : null, operand);
    case 'datetime':
      return matchDatetime(op, value, operand);
    case 'boolean':
      return value === operand;
  }
}

function pair<T>(operand: unknown, op: string): [T, T] {
  if (!Array.isArray(operand) || operand.length !== 2) {
    throw new GraphQLError(`${op} takes exactly two values`);
  }
  return operand as [T, T];
}

/** SQL LIKE when the operand has a `%` wildcard, otherwise a partial (contains) match. */
function like(value: string, pattern: string, caseInsensitive: boolean): boolean {
  const v = caseInsensitive ? value.toLowerCase() : value;
  const p = caseInsensitive ? pattern.toLowerCase() : pattern;
  if (!p.includes('%')) return v.includes(p);
  const regex = p
    .split('%')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/_/g, '.'))
    .join('.*');
  return new RegExp(`^${regex}$`, 's').test(v);
}

function matchString(op: string, value: unknown, operand: unknown): boolean {
  if (typeof value !== 'string') return false;
  switch (op) {
    case 'eq':
      return value === operand;
    case 'ilike':
      return like(value, String(operand), true);
    case 'like':
      return like(value, String(operand), false);
    case 'in':
      return (operand as unknown[]).includes(value);
    case 'between': {
      const [from, to] = pair<string>(operand, op);
      return value >= from && value <= to;
    }
    default:
      return false;
  }
}

function matchId(op: string, value: unknown, operand: unknown): boolean {
  const present = value !== null && value !== undefined;
  if (op === 'filled') return operand === true ? present : !present;
  if (!present) return false;
  if (op === 'eq') return String(value) === String(operand);
  if (op === 'in') return (operand as unknown[]).some((o) => String(o) === String(value));
  return matchNumber(op, Number(value), Number(operand));
}

function matchNumber(op: string, value: number | null, operand: unknown): boolean {
  if (value === null || Number.isNaN(value)) return false;
  switch (op) {
    case 'eq':
      return value === operand;
    case 'gt':
      return value > (operand as number);
    case 'gteq':
      return value >= (operand as number);
    case 'lt':
      return value < (operand as number);
    case 'lteq':
      return value <= (operand as number);
    case 'between': {
      const [from, to] = pair<number>(operand, op);
      return value >= from && value <= to;
    }
    default:
      return false;
  }
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

function time(operand: unknown, endOfDay = false): number {
  const text = String(operand);
  const ms = Date.parse(DATE_ONLY.test(text) ? `${text}T00:00:00Z` : text);
  if (Number.isNaN(ms)) throw new GraphQLError(`Invalid date-time: ${text}`);
  // A bare date as an upper bound means the whole of that day.
  return endOfDay && DATE_ONLY.test(text) ? ms + 86_399_999 : ms;
}

function matchDatetime(op: string, value: unknown, operand: unknown): boolean {
  if (typeof value !== 'string') return false;
  const v = time(value);
  switch (op) {
    case 'eq':
      return DATE_ONLY.test(String(operand))
        ? v >= time(operand) && v <= time(operand, true)
        : v === time(operand);
    case 'from':
      return v >= time(operand);
    case 'to':
      return v <= time(operand, true);
    case 'between': {
      const [from, to] = pair<string>(operand, op);
      return v >= time(from) && v <= time(to, true);
    }
    default:
      return false;
  }
}
