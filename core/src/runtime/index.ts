export * from './http';
export * from './integration';
export * from './main';
export * from './ops-auth';
