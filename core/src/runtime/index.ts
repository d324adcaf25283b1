export * from './http';
export * from './integration';
