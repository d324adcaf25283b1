/** Field names whose values are personal data: never logged, whatever the nesting. */
const PERSONAL_FIELDS = new Set(
  [
    'name',
    'firstName',
    'lastName',
    'fullName',
    'salutation',
    'title',
    'company',
    'email',
    'emailAddress',
    'email_address',
    'customerEmail',
    'phone',
    'mobile',
    'phoneNumber',
    'phone_number',
    'streetName',
    'streetNumber',
    'additionalStreetInfo',
    'additionalAddressInfo',
    'building',
    'apartment',
    'pOBox',
    'postalCode',
    'postcode',
    'city',
    'address',
    'address_1',
    'address_2',
    'address_3',
    'address_4',
    'address_5',
    'shippingAddress',
    'billingAddress',
    'itemShippingAddresses',
    'customerName',
    'giftMessage',
    'delivery_notes',
    'packing_notes',
    'authorization',
    'password',
    'clientSecret',
    'client_secret',
    'access_token',
    'token',
  ].map((f) => f.toLowerCase()),
);

/**
 * Key names that hold credentials whatever their exact spelling (accessToken, webhookToken, x-api-key,
 * CLARUS_CLIENT_SECRET…): a list of exact names would miss the next one somebody adds.
 */
const SECRET_KEY = /secret|token|password|passwd|authorization|api[-_]?key|cookie|credential/i;

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
const BEARER = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi;
const TOKEN_PARAM = /([?&](?:token|access_token|client_secret)=)[^&\s"]+/gi;
export const REDACTED = '[redacted]';

/** Returns a copy of `value` with personal data and secrets replaced; never mutates the input. */
export function redact(value: unknown, secrets: readonly string[] = [], depth = 0): unknown {
  if (typeof value === 'string') return redactString(value, secrets);
  if (value === null || typeof value !== 'object') return value;
  if (depth > 8) return '[truncated]';
  if (value instanceof Error) {
    return { name: value.name, message: redactString(value.message, secrets) };
  }
  // Objects without enumerable fields would otherwise log as {} and lose what they say.
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (value instanceof URL) return redactString(value.href, secrets);
  if (ArrayBuffer.isView(value)) return `[${value.byteLength} bytes]`;
  if (value instanceof Map) return redact(Object.fromEntries(value), secrets, depth);
  if (value instanceof Set) return redact([...value], secrets, depth);
  if (Array.isArray(value)) return value.map((v) => redact(v, secrets, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    out[key] =
      isSensitiveKey(key) && v !== undefined && v !== null ? REDACTED : redact(v, secrets, depth + 1);
  }
  return out;
}

function isSensitiveKey(key: string): boolean {
  return PERSONAL_FIELDS.has(key.toLowerCase()) || SECRET_KEY.test(key);
}

export function redactString(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret && out.includes(secret)) out = out.split(secret).join(REDACTED);
  }
  return out.replace(BEARER, `$1 ${REDACTED}`).replace(TOKEN_PARAM, `$1${REDACTED}`).replace(EMAIL, REDACTED);
}
