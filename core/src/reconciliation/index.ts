export * from './plan';
export * from './gateway';
export * from './audits';
export * from './pass';
export * from './stock-snapshot';
