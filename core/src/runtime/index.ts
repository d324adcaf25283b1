export * from './http';
export * from './integration';
export * from './main';
