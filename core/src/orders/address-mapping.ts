import type { Address } from '@commercetools/platform-sdk';
import {
  CLARUS_LIMITS,
  COUNTRY_FORMAT,
  EMAIL_FORMAT,
  type OrderProblem,
  type OrderWarning,
} from './goods-out-problems';

/** The Clarus `Address` fields this connector sends (clarus-api.json `components.schemas.Address`). */
export interface GoodsOutAddress {
  name?: string;
  address_1?: string;
  address_2?: string;
  address_3?: string;
  address_4?: string;
  postcode?: string;
  country_code?: string;
  email_address?: string;
  phone_number?: string;
}

const join = (parts: (string | undefined)[], sep: string) =>
  parts
    .map((p) => p?.trim())
    .filter(Boolean)
    .join(sep) || undefined;

/**
 * commercetools address → Clarus address, checked against what the Clarus spec declares. What the parcel
 * needs to arrive (street, city, region, postcode, country) is never cut or dropped: a value that does not
 * fit is a problem that blocks the order. Contact details only used for notifications (email, phone) are
 * dropped with a warning when Clarus would refuse them, so the order still ships.
 * `problems` and `warnings` are appended to; values never appear in their messages (personal data).
 */
export function mapAddress(
  address: Address | undefined,
  field: string,
  problems: OrderProblem[],
  warnings: OrderWarning[] = [],
): GoodsOutAddress {
  if (!address || !(address.streetName || address.streetNumber || address.city || address.postalCode)) {
    problems.push({
      code: 'missing_address',
      field,
      owner: 'ecommerce',
      message: 'order has no delivery address',
    });
    return {};
  }
  const out: GoodsOutAddress = {
    name: join([address.firstName, address.lastName], ' ') ?? address.company?.trim(),
    address_1: join([address.streetName, address.streetNumber], ' '),
    address_2: join([address.additionalStreetInfo, address.building, address.apartment], ', '),
    address_3: address.city?.trim() || undefined,
    address_4: (address.region ?? address.state)?.trim() || undefined,
    postcode: address.postalCode?.trim() || undefined,
    country_code: address.country?.trim().toUpperCase() || undefined,
    email_address: address.email?.trim() || undefined,
    phone_number: (address.phone ?? address.mobile)?.trim() || undefined,
  };
  const limit = (key: keyof GoodsOutAddress, max: number, label: string) => {
    const value = out[key];
    if (value && value.length > max) {
      problems.push({
        code: 'field_too_long',
        field: `${field}.${label}`,
        owner: 'ecommerce',
        message: `${label} is ${value.length} characters; Clarus ${key} allows ${max}`,
      });
    }
  };
  limit('address_1', CLARUS_LIMITS.addressLine, 'street');
  limit('address_2', CLARUS_LIMITS.addressLine, 'additional street info');
  limit('address_3', CLARUS_LIMITS.addressLine, 'city');
  limit('address_4', CLARUS_LIMITS.addressLine, 'region');
  limit('postcode', CLARUS_LIMITS.postcode, 'postcode');
  if (!out.country_code || !COUNTRY_FORMAT.test(out.country_code)) {
    problems.push({
      code: 'invalid_country',
      field: `${field}.country`,
      owner: 'ecommerce',
      message: `country "${address.country ?? ''}" is not an ISO 3166-1 alpha-2 code`,
    });
  }
  dropUnusableContact(out, field, warnings);
  return Object.fromEntries(Object.entries(out).filter(([, v]) => v !== undefined)) as GoodsOutAddress;
}

/** Email (`format: email`, max 254) and phone (max 50) are optional in Clarus: drop, warn, send the order. */
function dropUnusableContact(out: GoodsOutAddress, field: string, warnings: OrderWarning[]): void {
  const drop = (
    key: 'email_address' | 'phone_number',
    code: OrderWarning['code'],
    label: string,
    why: string,
  ) => {
    out[key] = undefined;
    warnings.push({ code, field: `${field}.${label}`, message: `${label} ${why}: sent without it` });
  };
  const { email_address: email, phone_number: phone } = out;
  if (email !== undefined && email.length > CLARUS_LIMITS.email) {
    drop(
      'email_address',
      'email_too_long_dropped',
      'email',
      `is ${email.length} characters; Clarus email_address allows ${CLARUS_LIMITS.email}`,
    );
  } else if (email !== undefined && !EMAIL_FORMAT.test(email)) {
    drop(
      'email_address',
      'invalid_email_dropped',
      'email',
      'is not a valid email address (Clarus email_address is format: email)',
    );
  }
  if (phone !== undefined && phone.length > CLARUS_LIMITS.phone) {
    drop(
      'phone_number',
      'phone_too_long_dropped',
      'phone',
      `is ${phone.length} characters; Clarus phone_number allows ${CLARUS_LIMITS.phone}`,
    );
  }
}
