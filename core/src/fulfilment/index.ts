export * from './dispatch-mapping';
