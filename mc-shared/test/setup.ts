// jsdom gaps the Merchant Center packages rely on (as @commercetools-frontend/jest-preset-mc-app fills them).
import { TextDecoder, TextEncoder } from 'node:util';

(window as unknown as { app: Record<string, unknown> }).app = {
  applicationName: 'clarus-ui-test',
  mcApiUrl: 'https://mc-api.europe-west1.gcp.commercetools.com',
};
Object.assign(window, { TextEncoder, TextDecoder });
if (!window.matchMedia) {
  Object.defineProperty(window, 'matchMedia', {
    writable: true,
    value: (query: string) => ({
      matches: false,
      media: query,
      onchange: null,
      addListener() {},
      removeListener() {},
      addEventListener() {},
      removeEventListener() {},
      dispatchEvent: () => false,
    }),
  });
}
if (!window.ResizeObserver) {
  Object.defineProperty(window, 'ResizeObserver', {
    writable: true,
    value: class {
      observe() {}
      unobserve() {}
      disconnect() {}
    },
  });
}
// jsdom has no fetch; each test installs a forward-to mock (forward-to-mock.ts), anything else fails loudly.
if (!globalThis.fetch) {
  globalThis.fetch = ((url: unknown) =>
    Promise.reject(new Error(`fetch ${String(url)} is not mocked in this test`))) as typeof fetch;
}
