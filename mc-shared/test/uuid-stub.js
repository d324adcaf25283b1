// `uuid` ships ESM only; the MC packages need v4 alone in tests (correlation ids). CommonJS stand-in.
const { randomUUID } = require('node:crypto');
module.exports = { v4: () => randomUUID() };
