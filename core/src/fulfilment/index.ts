export * from './dispatch-mapping';
export * from './dispatch-actions';
export * from './dispatch-sync';
export * from './webhook-trigger';
export * from './shipment-state';
export * from './parcel-tracking';
export * from './order-state-rule';
