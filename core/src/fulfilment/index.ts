export * from './dispatch-mapping';
export * from './dispatch-actions';
export * from './dispatch-sync';
export * from './webhook-trigger';
