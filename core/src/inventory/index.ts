export * from './ats';
