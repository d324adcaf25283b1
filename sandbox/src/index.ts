export * from './clarus-simulator';
export * from './commercetools-emulator';
export * from './fixtures';
export * from './pubsub-emulator';
export * from './merchant-center';
