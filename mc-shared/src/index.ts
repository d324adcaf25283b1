export * from './ops-client';
export * from './ops-data';
export * from './ops-types';
export * from './format';
export { OrderPanel } from './components/order-panel';
export { OperationsApp } from './components/operations-app';
export * from './inventory-run';
