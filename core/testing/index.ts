/** Dev-only test helpers: builders and fixtures. Never imported by product code. */
export * from './orders';
export * from './env';
export * from './app-shell';
