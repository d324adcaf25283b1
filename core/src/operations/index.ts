export * from './exception-kinds';
export * from './exceptions';
export * from './job-lock';
export * from './job-state';
