export * from './ats';
export * from './plan';
export * from './inventory-gateway';
export * from './sync';
