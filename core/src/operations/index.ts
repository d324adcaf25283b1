export * from './exception-kinds';
export * from './exceptions';
export * from './job-lock';
export * from './job-state';
export * from './alerts';
export * from './exceptions-csv';
export * from './health';
export * from './job-lease';
