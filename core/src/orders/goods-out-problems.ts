/**
 * What the Clarus spec (clarus-api.json) declares for the goods out fields this connector sends, and the
 * shapes in which the pure mapping reports what does not fit: problems block the order, warnings say what
 * was left out of an order that is still sent. See docs/mapping.md "Validation before Clarus".
 */

/** Max lengths from clarus-api.json (`Reference`, `Address`, `GoodsOutAttributes.packing_notes`). */
export const CLARUS_LIMITS = {
  reference: 50,
  addressLine: 80,
  postcode: 10,
  email: 254,
  phone: 50,
  packingNotes: 255,
} as const;

/**
 * `Address.email_address` is `format: email`. The check is the WHATWG "valid e-mail address" rule (also
 * Ruby's `URI::MailTo::EMAIL_REGEXP`): strict enough that Clarus, whichever email check it runs, does not
 * see an address it rejects for its shape.
 */
export const EMAIL_FORMAT =
  /^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;

/** ISO 3166-1 alpha-2 (`Address.country_code`; NOTES.md). */
export const COUNTRY_FORMAT = /^[A-Z]{2}$/;

export type ProblemOwner = 'ecommerce' | 'operations';

/** A reason the order cannot be sent as it is; retrying never fixes it. */
export interface OrderProblem {
  code:
    | 'missing_address'
    | 'field_too_long'
    | 'invalid_country'
    | 'missing_sku'
    | 'sku_unknown_to_clarus'
    | 'shipping_method_unmapped'
    | 'carrier_service_unknown'
    | 'invalid_custom_field'
    | 'invalid_bundle'
    | 'no_lines';
  field: string;
  message: string;
  owner: ProblemOwner;
  sku?: string;
}

/**
 * An optional value left out so the order can still be sent (e.g. an email Clarus would refuse). Messages
 * name the field and the rule, never the value (it is personal data).
 */
export interface OrderWarning {
  code: 'invalid_email_dropped' | 'email_too_long_dropped' | 'phone_too_long_dropped';
  field: string;
  message: string;
}
