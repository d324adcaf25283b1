import type { Address, Order } from '@commercetools/platform-sdk';
import type { MappingConfig } from '../config';
import { CLARUS_LIMITS, type OrderProblem } from './goods-out-problems';

/** An order custom field's raw value (undefined when the field name is not configured). */
export function customField(order: Order, name: string | undefined): unknown {
  if (!name) return undefined;
  return order.custom?.fields?.[name];
}

/**
 * Gift message and mapped custom fields: header slots shared by every goods out of the order. A value that
 * does not fit its slot as clarus-api.json declares it (integer, boolean, date-time, length) is a problem: a person
 * mapped it on purpose, so it is never dropped or cut silently.
 */
export function mapHeaderFields(
  order: Order,
  mapping: Pick<MappingConfig, 'giftMessageField' | 'orderFieldMap'>,
  problems: OrderProblem[],
): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  const { giftMessageField, orderFieldMap } = mapping;
  if (giftMessageField && !(giftMessageField in orderFieldMap)) {
    const gift = textOf(customField(order, giftMessageField));
    if (gift) {
      if (gift.length > CLARUS_LIMITS.packingNotes) {
        problems.push({
          code: 'field_too_long',
          field: `custom.${giftMessageField}`,
          owner: 'ecommerce',
          message: `gift message is ${gift.length} characters; Clarus packing_notes allows ${CLARUS_LIMITS.packingNotes}`,
        });
      } else out.packing_notes = gift;
    }
  }
  for (const [field, slot] of Object.entries(orderFieldMap)) {
    const raw = customField(order, field);
    if (raw === undefined || raw === null || raw === '') continue;
    const value = coerceToSlot(raw, slot);
    if (value === undefined) {
      problems.push({
        code: 'invalid_custom_field',
        field: `custom.${field}`,
        owner: 'ecommerce',
        message: `custom field "${field}" cannot be sent as Clarus ${slot}`,
      });
      continue;
    }
    if (slot === 'packing_notes' && typeof value === 'string' && value.length > CLARUS_LIMITS.packingNotes) {
      problems.push({
        code: 'field_too_long',
        field: `custom.${field}`,
        owner: 'ecommerce',
        message: `custom field "${field}" is ${value.length} characters; Clarus packing_notes allows ${CLARUS_LIMITS.packingNotes}`,
      });
      continue;
    }
    out[slot] = value;
  }
  return out;
}

/** Strings, numbers, booleans, dates and localized strings (first locale) as Clarus slot values. */
function coerceToSlot(raw: unknown, slot: string): string | number | boolean | undefined {
  if (slot.startsWith('integer')) {
    const n =
      typeof raw === 'number' ? raw : typeof raw === 'string' && /^-?\d+$/.test(raw) ? Number(raw) : NaN;
    return Number.isInteger(n) ? n : undefined;
  }
  if (slot.startsWith('boolean')) {
    if (typeof raw === 'boolean') return raw;
    if (raw === 'true' || raw === 'false') return raw === 'true';
    return undefined;
  }
  if (slot.startsWith('datetime')) {
    const text = textOf(raw);
    return text && !Number.isNaN(Date.parse(text)) ? new Date(text).toISOString() : undefined;
  }
  return textOf(raw);
}

/** Text of a custom field value: strings trimmed, numbers/booleans as text, a localized string's first value. */
export function textOf(raw: unknown): string | undefined {
  if (typeof raw === 'string') return raw.trim() || undefined;
  if (typeof raw === 'number' || typeof raw === 'boolean') return String(raw);
  if (raw && typeof raw === 'object' && !Array.isArray(raw)) {
    const first = Object.values(raw as Record<string, unknown>).find(
      (v) => typeof v === 'string' && v.trim(),
    );
    return typeof first === 'string' ? first.trim() : undefined;
  }
  return undefined;
}

/** Delivery notes: a configured custom field, else the address's additionalAddressInfo. */
export function deliveryNotesOf(
  order: Order,
  address: Address | undefined,
  mapping: Pick<MappingConfig, 'deliveryNotesField'>,
): string | undefined {
  return mapping.deliveryNotesField
    ? textOf(customField(order, mapping.deliveryNotesField))
    : textOf(address?.additionalAddressInfo);
}
