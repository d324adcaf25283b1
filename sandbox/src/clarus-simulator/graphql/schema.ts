import { buildSchema, type GraphQLSchema } from 'graphql';
import type { Store } from '../store';
import { INPUT_TYPE_OF, OPERATOR_INPUT_TYPES_SDL } from './filters';
import { selectRecords } from './list-index';
import { LIST_DEFINITIONS, type ListDefinition } from './lists';
import { paginate } from './pagination';

/**
 * Node types carry exactly the fields of the spec's example query for each list (nested objects too:
 * `stock_balances { warehouse { id } }` has no `code`), plus the two assumptions listed in
 * ASSUMPTIONS.md. A client asking for anything else gets a GraphQL validation error, as it might on a
 * tenant whose schema lacks an undocumented field.
 */
function nodeTypesSdl(exposeLineReference: boolean): string {
  return `
type GoodsOutStatus { code: String! name: String! }
type GoodsOutAccount { id: ID! code: String }
type GoodsOutWarehouse { id: ID! code: String }
type GoodsOutCarrier { id: ID! code: String }
type GoodsOut {
  id: ID!
  reference: String
  priority: Int
  expected_date_of_dispatch: String
  goods_out_status: GoodsOutStatus
  account: GoodsOutAccount
  warehouse: GoodsOutWarehouse
  carrier: GoodsOutCarrier
  "Assumption: not in the documented example query."
  external_system_reference1: String
}

type GoodsOutLineProduct { id: ID! code: String }
type GoodsOutLineGoodsOut { id: ID! reference: String }
type GoodsOutLineCarrier { id: ID! }
type GoodsOutLine {
  id: ID!
  order_quantity: Float
  allocated_quantity: Float
  pick_quantity: Float
  dispatch_quantity: Float
  short_status: String
  product: GoodsOutLineProduct
  goods_out: GoodsOutLineGoodsOut
  carrier: GoodsOutLineCarrier
${exposeLineReference ? '  "Assumption: reading it back is not documented (simulator option exposeLineReference)."\n  alt_line_reference: String' : ''}
}

type ShipmentCarrier { id: ID! code: String name: String }
type ShipmentCarrierService { id: ID! code: String name: String }
type ShipmentWarehouse { id: ID! code: String name: String }
type Shipment {
  id: ID!
  reference: String
  name: String
  status: String
  delivery_notes: String
  collection_datetime: String
  label_filename: String
  packages_count: Int
  carrier: ShipmentCarrier
  carrier_service: ShipmentCarrierService
  warehouse: ShipmentWarehouse
}

type PackageShipment { id: ID! reference: String }
type PackageStorageUnitType { id: ID! code: String }
type Package {
  id: ID!
  tracking_number: String
  shipment: PackageShipment
  storage_unit_type: PackageStorageUnitType
}

type Product {
  id: ID!
  code: String
  barcode: String
  description: String
  long_description: String
  product_type: String
  units_per_case: Int
  shelf_life_min: Int
  shelf_life_max: Int
  commodity_code: String
  country_of_manufacture: String
}

type StockBalanceProduct { id: ID! code: String }
type StockBalanceAccount { id: ID! code: String }
type StockBalanceWarehouse { id: ID! }
type StockBalance {
  available: Float
  allocated: Float
  ordered: Float
  received: Float
  picked: Float
  product: StockBalanceProduct
  account: StockBalanceAccount
  warehouse: StockBalanceWarehouse
}

type CarrierServiceCarrier { id: ID! code: String }
type CarrierService {
  id: ID!
  code: String
  name: String
  active: Boolean
  is_default: Boolean
  carrier: CarrierServiceCarrier
}

type WarehouseAddress {
  address_1: String
  address_2: String
  address_3: String
  address_4: String
  postcode: String
  country_code: String
}
type Warehouse {
  id: ID!
  code: String
  name: String
  consolidate_pick_enabled: Boolean
  loading_validation_setting: String
  opening_times_enabled: Boolean
  address: WarehouseAddress
}
`;
}

function listSdl(def: ListDefinition<unknown>): string {
  const filters = Object.entries(def.filters)
    .map(([name, { kind }]) => `  ${name}: ${INPUT_TYPE_OF[kind]}`)
    .join('\n');
  const n = def.nodeType;
  return `
input ${def.filterType} {
${filters}
}
type ${n}Edge { cursor: String! node: ${n}! }
type ${n}Connection { edges: [${n}Edge!]! pageInfo: PageInfo! }
type ${n}List { all(filter: ${def.filterType}, first: Int, after: String): ${n}Connection! }
`;
}

export function buildClarusSchema(options: { exposeLineReference: boolean }): GraphQLSchema {
  const sdl = [
    OPERATOR_INPUT_TYPES_SDL,
    'type PageInfo { hasNextPage: Boolean! endCursor: String }',
    nodeTypesSdl(options.exposeLineReference),
    ...LIST_DEFINITIONS.map(listSdl),
    `type Query {\n${LIST_DEFINITIONS.map((d) => `  ${d.field}: ${d.nodeType}List!`).join('\n')}\n}`,
  ].join('\n');
  return buildSchema(sdl);
}

type AllArgs = {
  filter?: Record<string, Record<string, unknown> | null> | null;
  first?: number | null;
  after?: string | null;
};

/** Root resolvers: graphql-js' default resolver calls these functions with the field arguments. */
export function rootValue(store: Store): Record<string, () => { all: (args: AllArgs) => unknown }> {
  return Object.fromEntries(
    LIST_DEFINITIONS.map((def) => [
      def.field,
      () => ({
        all: (args: AllArgs) => {
          const filter = Object.entries(args.filter ?? {}).filter(
            (entry): entry is [string, Record<string, unknown>] =>
              entry[1] !== null && entry[1] !== undefined,
          );
          const records = selectRecords(def, store, filter);
          return paginate(records, args, (record) => def.node(record, store));
        },
      }),
    ]),
  );
}
