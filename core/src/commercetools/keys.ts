import { createHash } from 'node:crypto';

/** What the API accepts for a Custom Object container or key. */
export const CUSTOM_OBJECT_KEY_PATTERN = /^[-_~.a-zA-Z0-9]+$/;
export const CUSTOM_OBJECT_KEY_MAX_LENGTH = 256;

const SAFE_PART = /^[-_a-zA-Z0-9]+$/;
const PART_HASH_LENGTH = 32; // 128 bits of sha256, hex

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/**
 * A deterministic Custom Object key from parts (kind, entity type, entity id, …), readable when it can be.
 * Parts made only of `[-_a-zA-Z0-9]` are kept as they are; any other part (a SKU with a slash, an order
 * number with spaces) becomes `~` + a hash of it. Parts are joined with `.`. Since neither `.` nor `~`
 * can occur in a kept part, different part lists never produce the same key (short of a hash collision).
 * A key longer than 256 characters is replaced by `~` + a hash of the whole key.
 */
export function customObjectKey(...parts: string[]): string {
  if (parts.length === 0) throw new Error('customObjectKey needs at least one part');
  const key = parts
    .map((p) => (SAFE_PART.test(p) ? p : `~${sha256(p).slice(0, PART_HASH_LENGTH)}`))
    .join('.');
  return key.length <= CUSTOM_OBJECT_KEY_MAX_LENGTH ? key : `~${sha256(key)}`;
}

export function assertCustomObjectKey(what: 'container' | 'key', value: string): void {
  if (!CUSTOM_OBJECT_KEY_PATTERN.test(value) || value.length > CUSTOM_OBJECT_KEY_MAX_LENGTH) {
    throw new RangeError(
      `invalid Custom Object ${what} "${value}": must match [-_~.a-zA-Z0-9]+, at most 256 characters`,
    );
  }
}
