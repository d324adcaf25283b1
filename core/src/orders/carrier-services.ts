import type { ClarusCarrierService } from '../clarus';

/**
 * A CLARUS_SHIPPING_METHOD_MAP value: a carrier service code (`DPD-NEXT`), or `CARRIER:SERVICE`
 * (`DPD:NEXT`) when the tenant has the same service code under several carriers (codes are not documented
 * as unique in clarus-api.json; `carrier_services` rows carry `carrier { code }`).
 */
export interface CarrierServiceRef {
  /** The value as configured (the cache and lookup key). */
  value: string;
  code: string;
  carrierCode?: string;
}

/** Parses a map value; a value without `:` is a plain service code (the format before `CARRIER:SERVICE`). */
export function parseCarrierServiceRef(value: string): CarrierServiceRef {
  const at = value.indexOf(':');
  if (at <= 0 || at === value.length - 1) return { value, code: value };
  return { value, carrierCode: value.slice(0, at), code: value.slice(at + 1) };
}

/** Service codes to query for these map values (a `CARRIER:SERVICE` value also as a literal code). */
export function carrierServiceCodesToQuery(values: readonly string[]): string[] {
  const codes = new Set<string>();
  for (const value of values) {
    const ref = parseCarrierServiceRef(value);
    codes.add(value);
    codes.add(ref.code);
  }
  return [...codes];
}

/**
 * Pure: the one active carrier service a map value names, or undefined. Inactive services (`active: false`)
 * are never picked; a literal code match wins (backwards compatible with codes that contain `:`); with a
 * carrier given only that carrier's service counts; several candidates left is no answer (the mapping
 * reports it rather than guess a carrier).
 */
export function pickCarrierService(
  rows: readonly ClarusCarrierService[],
  value: string,
): ClarusCarrierService | undefined {
  const usable = rows.filter((r) => r.active !== false);
  const literal = usable.filter((r) => r.code === value);
  if (literal.length) return literal.length === 1 ? literal[0] : undefined;
  const ref = parseCarrierServiceRef(value);
  if (ref.carrierCode === undefined) return undefined;
  const matches = usable.filter((r) => r.code === ref.code && r.carrier?.code === ref.carrierCode);
  return matches.length === 1 ? matches[0] : undefined;
}
