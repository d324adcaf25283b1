export { startClarusSimulator } from './server';
export { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './graphql/pagination';
export { GOODS_OUT_STATUS_CODES } from './types';
export type {
  Address,
  Carrier,
  CarrierService,
  ClarusSimulator,
  ClarusSimulatorOptions,
  DispatchOptions,
  DispatchResult,
  DispatchShipmentSpec,
  Fault,
  FaultMatch,
  GoodsOutAttributesRecord,
  GoodsOutLineRecord,
  GoodsOutRecord,
  GoodsOutStatusCode,
  Package,
  Product,
  RecordedRequest,
  Shipment,
  ShipmentLine,
  ShipmentStatus,
  StockBalance,
  Warehouse,
  WebhookTargets,
} from './types';
