import type {
  BaseAddress,
  ByProjectKeyRequestBuilder,
  Order,
  ShippingMethod,
} from '@commercetools/platform-sdk';
import { importMultiShipmentOrder } from '../sandbox/src/fixtures';
import type { Prng } from './prng';

export type OrderShape =
  'regular' | 'multi-shipment' | 'invalid-email' | 'unknown-sku' | 'number-later' | 'historical';

/** Every personal value the soak seeds carries this marker, so a leak into a log line is found by pattern. */
export const PII_MARKER = /piiq\d+n\d+/i;
/** Seeded phone numbers and postcodes (they cannot carry the marker). */
export const PII_PHONE = /7700 ?9\d{5}/;
export const PII_POSTCODE = /Q\d{3} ?9QZ/;

/** A made-up person and address for order `n` of a seed: every field is recognisable in a log line. */
export function personalAddress(seed: number, n: number, overrides: Partial<BaseAddress> = {}): BaseAddress {
  const tag = `Piiq${seed}n${n}`;
  return {
    country: 'GB',
    firstName: `Ana${tag}`,
    lastName: `Lima${tag}`,
    streetName: `Rua ${tag}`,
    streetNumber: String(1 + (n % 90)),
    additionalStreetInfo: `Flat ${tag}`,
    city: `Porto${tag}`,
    postalCode: `Q${String(n % 1000).padStart(3, '0')} 9QZ`,
    email: `ana.${tag.toLowerCase()}@example.org`,
    phone: `+44 7700 9${String(n % 100000).padStart(5, '0')}`,
    ...overrides,
  };
}

export interface PlacedOrder {
  n: number;
  id: string;
  shape: OrderShape;
  /** Shipping keys for a multi-shipment order; empty otherwise. */
  shippingKeys: string[];
  lines: { sku: string; quantity: number }[];
  /** The order as created (the payload of its message). */
  created: Order;
}

/**
 * Creates order `n` of the given shape in the emulator (Order Import for single-shipment orders; the
 * fixtures' multi-shipment shape; a historical order seeded as delivered, three days old).
 */
export async function placeOrder(
  api: ByProjectKeyRequestBuilder,
  seedResource: <T extends { id: string }>(typeId: string, resource: T) => Promise<T>,
  options: {
    seed: number;
    n: number;
    shape: OrderShape;
    skus: readonly string[];
    unknownSku: string;
    methods: ShippingMethod[];
    prng: Prng;
  },
): Promise<PlacedOrder> {
  const { seed, n, shape, prng } = options;
  const orderNumber = `SK${seed}-${String(n).padStart(5, '0')}`;
  const lineCount = prng.int(1, 3);
  const skus = prng.shuffle(options.skus).slice(0, lineCount);
  const lines = skus.map((sku) => ({ sku, quantity: prng.int(1, 3) }));
  if (shape === 'unknown-sku') lines.push({ sku: options.unknownSku, quantity: 1 });
  const method = prng.pick(options.methods);

  if (shape === 'multi-shipment') {
    const keys = ['home', 'office'];
    const [first, ...rest] = lines;
    const order = await importMultiShipmentOrder(api, seedResource, {
      orderNumber,
      shipments: [
        {
          key: keys[0]!,
          shippingMethod: method,
          address: personalAddress(seed, n),
          lines: [first!],
        },
        {
          key: keys[1]!,
          shippingMethod: prng.pick(options.methods),
          address: personalAddress(seed, n, { city: `BragaPiiq${seed}n${n}` }),
          lines: rest.length ? rest : [{ sku: first!.sku, quantity: 1 }],
        },
      ],
    });
    const all = order.lineItems.map((l) => ({ sku: l.variant.sku!, quantity: l.quantity }));
    return { n, id: order.id, shape, shippingKeys: keys, lines: all, created: order };
  }

  const address = personalAddress(
    seed,
    n,
    shape === 'invalid-email' ? { email: `ana.lima.piiq${seed}n${n}.example.org` } : {},
  );
  const price = { currencyCode: 'GBP', centAmount: 1000 };
  const response = await api
    .orders()
    .importOrder()
    .post({
      body: {
        ...(shape === 'number-later' ? {} : { orderNumber }),
        totalPrice: {
          currencyCode: 'GBP',
          centAmount: lines.reduce((s, l) => s + l.quantity * price.centAmount, 0),
        },
        lineItems: lines.map((l) => ({
          name: { en: l.sku },
          variant: { sku: l.sku },
          price: { value: price },
          quantity: l.quantity,
        })),
        shippingAddress: address,
        shippingInfo: {
          shippingMethodName: method.name,
          price: { currencyCode: 'GBP', centAmount: 495 },
          shippingRate: { price: { currencyCode: 'GBP', centAmount: 495 } },
          shippingMethod: { typeId: 'shipping-method', id: method.id },
          shippingMethodState: 'MatchesCart',
        },
      },
    })
    .execute();
  let order = response.body;
  if (shape === 'historical') {
    // Brought in with OrderImported after it was delivered elsewhere: three days old, already Delivered.
    const old = new Date(Date.now() - 3 * 86_400_000).toISOString();
    order = await seedResource('order', {
      ...order,
      version: order.version + 1,
      createdAt: old,
      completedAt: old,
      shipmentState: 'Delivered',
      orderState: 'Complete',
    } as Order);
  }
  return { n, id: order.id, shape, shippingKeys: [], lines, created: order };
}
