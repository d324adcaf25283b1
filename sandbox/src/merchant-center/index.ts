export * from './forward-to-stand-in';
export * from './introspection-stand-in';
export * from './jwt';
export * from './preview/preview-server';
