export * from './logger';
export { redact, redactString, REDACTED } from './redact';
