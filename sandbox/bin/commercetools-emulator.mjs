#!/usr/bin/env node
/**
 * The commercetools API emulator used by tests and the local sandbox: `@labdigital/commercetools-mock`
 * served over real HTTP on loopback, with a thin harness around it.
 *
 * Why a separate process: the mock is ESM-only and our jest runs CommonJS, so the TypeScript launcher
 * (sandbox/src/commercetools-emulator) spawns this file and talks to it over HTTP only.
 *
 * Usage: node commercetools-emulator.mjs [--project-key clarus-test] [--port 0] [--raw-custom-objects]
 * Prints one line `{"port":N}` on stdout once it listens on 127.0.0.1; exits when stdin closes (so a
 * crashed parent never leaves it running).
 *
 * The harness (all of it here, none of it in product code):
 * - records every request (method, url, status): GET/DELETE /__control/requests;
 * - answers the next N matching requests with a failure: POST /__control/fail-next
 *   `{method?, pathPrefix, status, times?, body?, when?: 'before' | 'after'}` — `before` fails without
 *   touching state, `after` applies the request and then fails the response (a write whose answer was
 *   lost); status 0 drops the connection instead of answering;
 * - POST /__control/clear empties the storage; POST /__control/seed/{typeId} stores a resource as given;
 * - serialises writes: the mock's repositories read, check the version and save across several awaits,
 *   so two concurrent writes to one resource could both pass the version check. The real API is atomic
 *   per resource; tests of concurrency must see that, so POST/DELETE requests run one at a time;
 * - corrects measured deviations from the real API so stored resources look like the real API's:
 *   * `addDelivery`: the real API stores the action's `deliveryKey` as the delivery's `key`; the mock
 *     keeps a `deliveryKey` field. (`addParcelToDelivery` already maps `parcelKey` to `key`.)
 *   * Custom Objects: a draft with `version: 0` is create-only on the real API (an existing object has
 *     version >= 1, so the version check fails with 409 ConcurrentModification); the mock upserts. A draft
 *     with a version > 0 for an absent object is rejected (the mock says 400, we say 409 so the product
 *     sees "not the version you expected"). DELETE /custom-objects/{container}/{key}?version=N checks the
 *     version on the real API; the mock ignores it.
 *   * Update version check: the real API answers 409 to an update with a stale version; the mock checks
 *     the version only when an action changes something, so a stale no-op update passes. The harness checks
 *     `version` of every `{version, actions}` POST against the stored resource first.
 *   * Query `sort`: the mock's storage sorts, but its HTTP services drop the `sort` parameter; the harness
 *     passes it through, so cursor paging (`sort=id asc` + `where=id > "…"`) works as on the real API.
 *   * Multi-shipment deliveries: on the real API, `addDelivery` with `shippingKey` adds the delivery to
 *     `order.shipping[<shippingKey>].shippingInfo.deliveries` of a `shippingMode: Multiple` order (the key is
 *     required there, and not stored on the delivery), and `addParcelToDelivery` finds the delivery in
 *     whichever shipping it belongs to. The mock's handlers only know `order.shippingInfo` (single
 *     shipment) and store `shippingKey` on the delivery. The harness wraps both handlers of the mock's
 *     order repository: for a Multiple-mode order they run against the shipping entry's `shippingInfo`, so
 *     version bump, 409 checks and the answer stay the mock's own.
 *   * `setParcelTrackingData`: the real API sets (or, without `trackingData`, removes) the tracking data of
 *     the parcel named by `parcelId` or `parcelKey`, wherever its delivery sits (single or multi-shipment)
 *     and answers 400 when no parcel matches; the mock has no such action ("Invalid action"). The harness
 *     adds it to the mock's order action handler, so version bump, 409 checks and the answer stay the mock's.
 *   * Order import: the real API keeps the draft's `completedAt` (historical orders are imported with
 *     it); the mock drops it. The harness wraps the mock's import so the stored order has it.
 *   * API Extensions: the real API accepts `product` as a trigger's `resourceTypeId` (release note of
 *     24 September 2026, "Added API Extensions for Products"); mock 4.4.0 predates it and refuses the draft.
 *     The harness validates Extension drafts with `product` read as an allowed type. The real API also stores
 *     the draft's `additionalContext` (`includeOldResource`, GA since August 2026); the mock's create drops
 *     it (its `setAdditionalContext` action keeps it): the harness wraps the create so the Extension has it.
 *   * Update actions the mock lacks (subscriptions: changeDestination, setMessages, setChanges, setEvents;
 *     channels: addRoles, removeRoles, setRoles) are applied by the harness.
 *   `--raw-custom-objects` turns the Custom Object corrections off, so a test can prove the product
 *   does not depend on them silently.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { parseArgs } from 'node:util';
import { CommercetoolsMock } from '@labdigital/commercetools-mock';

const { values: args } = parseArgs({
  options: {
    'project-key': { type: 'string', default: 'clarus-test' },
    port: { type: 'string', default: '0' },
    'raw-custom-objects': { type: 'boolean', default: false },
  },
});
const projectKey = args['project-key'];
const correctCustomObjects = !args['raw-custom-objects'];

const ctMock = new CommercetoolsMock({
  strict: true,
  silent: true,
  enableAuthentication: true,
  // Tokens must be ones the mock issued (a request without a valid bearer token gets 401, like the real
  // API); any client id and secret obtain a token.
  validateCredentials: true,
  defaultProjectKey: projectKey,
});
const app = ctMock.app;

// --- request log ---------------------------------------------------------------------------------
/** @type {{method: string, url: string, status: number}[]} */
let requests = [];
const isControl = (url) => url.startsWith('/__control');
const INTERNAL = 'x-emulator-harness-internal';
const isInternal = (request) => request.headers[INTERNAL] === '1';

// --- injected failures ---------------------------------------------------------------------------
/** @type {{method?: string, pathPrefix: string, status: number, remaining: number, body?: unknown, when: 'before'|'after'}[]} */
let failRules = [];

function takeFailRule(method, url, when) {
  const path = url.split('?')[0];
  const rule = failRules.find(
    (r) => r.when === when && (!r.method || r.method === method) && path.startsWith(r.pathPrefix),
  );
  if (!rule) return undefined;
  rule.remaining -= 1;
  if (rule.remaining <= 0) failRules = failRules.filter((r) => r !== rule);
  return rule;
}

const REASONS = {
  400: 'Bad Request',
  404: 'Not Found',
  409: 'Conflict',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** Error bodies shaped like the real API's (`{statusCode, message, errors: [{code, message}]}`). */
function failureBody(status) {
  if (status === 409) {
    const message = 'Object has a different version than expected (injected by the emulator harness).';
    return { statusCode: 409, message, errors: [{ code: 'ConcurrentModification', message }] };
  }
  const message = REASONS[status] ?? `HTTP ${status}`;
  const code = status === 429 ? 'TooManyRequests' : status >= 500 ? 'General' : 'InvalidOperation';
  return { statusCode: status, message, errors: [{ code, message }] };
}

function concurrentModification(id, expected, actual) {
  const message = `Object ${id} has a different version than expected. Expected: ${expected} - Actual: ${actual}.`;
  const error = { code: 'ConcurrentModification', message };
  if (typeof actual === 'number') error.currentVersion = actual;
  return { statusCode: 409, message, errors: [error] };
}

// --- write serialisation -------------------------------------------------------------------------
let writeTail = Promise.resolve();
function acquireWriteLock() {
  let release;
  const held = new Promise((resolve) => (release = resolve));
  const previous = writeTail;
  writeTail = previous.then(() => held);
  return previous.then(() => {
    let released = false;
    return () => {
      if (!released) {
        released = true;
        release();
      }
    };
  });
}

// --- corrections -------------------------------------------------------------------------------
function rewriteOrderActions(body) {
  if (!body || !Array.isArray(body.actions)) return;
  body.actions = body.actions.map((action) => {
    if (action && action.action === 'addDelivery' && 'deliveryKey' in action) {
      const { deliveryKey, ...rest } = action;
      return deliveryKey === undefined ? rest : { ...rest, key: deliveryKey };
    }
    return action;
  });
}

/**
 * `addDelivery` / `addParcelToDelivery` on multi-shipment orders (see the header). The mock's handlers mutate
 * `resource.shippingInfo`; for a Multiple-mode order they are handed a stand-in whose `shippingInfo` is the
 * right shipping entry's (an object inside the resource), so their changes land in the order itself.
 */
async function correctMultiShipmentDeliveries() {
  const handler = ctMock.project(projectKey).getRepository('order').actions;
  const addDelivery = handler.addDelivery.bind(handler);
  const addParcelToDelivery = handler.addParcelToDelivery.bind(handler);
  // The mock answers API errors only for its own error class, which it does not export: borrow it from an
  // error its handler throws (a resource without shipping info).
  const CommercetoolsError = await addParcelToDelivery({}, {}, {}).then(
    () => {
      throw new Error('emulator harness: expected the mock to reject a parcel for an order without shipping');
    },
    (error) => error.constructor,
  );
  const invalid = (message) => new CommercetoolsError({ code: 'InvalidOperation', message }, 400);

  handler.addDelivery = async (context, resource, action) => {
    const { shippingKey, ...rest } = action;
    if (resource.shippingMode !== 'Multiple') return addDelivery(context, resource, rest);
    if (!shippingKey) {
      throw invalid('shippingKey is required to add a Delivery to an order with Multiple ShippingMode.');
    }
    const shipping = (resource.shipping ?? []).find((s) => s.shippingKey === shippingKey);
    if (!shipping?.shippingInfo) {
      throw invalid(`The order has no shipping with shippingKey '${shippingKey}'.`);
    }
    return addDelivery(context, { shippingInfo: shipping.shippingInfo }, rest);
  };

  handler.addParcelToDelivery = async (context, resource, action) => {
    if (resource.shippingMode !== 'Multiple') return addParcelToDelivery(context, resource, action);
    const matches = (d) => (action.deliveryId ? d.id === action.deliveryId : d.key === action.deliveryKey);
    const shipping = (resource.shipping ?? []).find((s) => (s.shippingInfo?.deliveries ?? []).some(matches));
    // No match: let the mock answer its own "delivery not found" error.
    return addParcelToDelivery(
      context,
      { shippingInfo: shipping?.shippingInfo ?? { deliveries: [] } },
      action,
    );
  };

  // setParcelTrackingData (see the header): the mock lacks it.
  handler.setParcelTrackingData = async (_context, resource, action) => {
    const deliveries = [
      ...(resource.shippingInfo?.deliveries ?? []),
      ...(resource.shipping ?? []).flatMap((s) => s.shippingInfo?.deliveries ?? []),
    ];
    const parcel = deliveries
      .flatMap((d) => d.parcels ?? [])
      .find((p) => (action.parcelId ? p.id === action.parcelId : p.key === action.parcelKey));
    if (!action.parcelId && !action.parcelKey)
      throw invalid('Either parcelId or parcelKey must be provided.');
    if (!parcel) {
      throw invalid(
        `No parcel with ${action.parcelId ? `id '${action.parcelId}'` : `key '${action.parcelKey}'`}.`,
      );
    }
    if (action.trackingData === undefined) delete parcel.trackingData;
    else parcel.trackingData = action.trackingData;
  };
}
await correctMultiShipmentDeliveries();

// Order import keeps `completedAt` (see the header): wrap the mock's import so its saved resource carries it.
{
  const orders = ctMock.project(projectKey).getRepository('order');
  const importOrder = orders.import.bind(orders);
  orders.import = async (context, draft) => {
    if (draft.completedAt === undefined) return importOrder(context, draft);
    const saveNew = orders.saveNew;
    // Writes run one at a time (see the header), so the swap cannot leak into another request.
    orders.saveNew = (ctx, resource) =>
      saveNew.call(orders, ctx, { ...resource, completedAt: draft.completedAt });
    try {
      return await importOrder(context, draft);
    } finally {
      orders.saveNew = saveNew;
    }
  };
}

async function findCustomObject(pk, container, key) {
  const repository = ctMock.project(pk).getRepository('key-value-document');
  return repository.getWithContainerAndKey({ projectKey: pk }, container, key);
}

/** Returns an error body to answer with, or undefined to let the mock handle the request. */
async function checkCustomObjectWrite(method, path, query, body) {
  const match = /^\/([^/]+)\/custom-objects(?:\/([^/]+)\/([^/]+))?\/?$/.exec(path);
  if (!match) return undefined;
  const [, pk, pathContainer, pathKey] = match;
  if (method === 'POST') {
    const container = pathContainer ? decodeURIComponent(pathContainer) : body?.container;
    const key = pathKey ? decodeURIComponent(pathKey) : body?.key;
    const version = body?.version;
    if (typeof container !== 'string' || typeof key !== 'string' || typeof version !== 'number')
      return undefined;
    const current = await findCustomObject(pk, container, key);
    if (current && version === 0) return concurrentModification(current.id, 0, current.version);
    if (!current && version > 0) return concurrentModification(`${container}/${key}`, version, undefined);
    return undefined;
  }
  if (method === 'DELETE' && pathContainer && pathKey && query.version !== undefined) {
    const current = await findCustomObject(
      pk,
      decodeURIComponent(pathContainer),
      decodeURIComponent(pathKey),
    );
    const expected = Number(query.version);
    if (current && current.version !== expected)
      return concurrentModification(current.id, expected, current.version);
  }
  return undefined;
}

/** For `{version, actions}` updates: reads the resource at the same path and compares versions. */
async function checkUpdateVersion(request, path) {
  const body = request.body;
  if (
    request.method !== 'POST' ||
    !body ||
    typeof body.version !== 'number' ||
    !Array.isArray(body.actions)
  ) {
    return undefined;
  }
  const current = await app.inject({
    method: 'GET',
    url: path,
    headers: { authorization: request.headers.authorization ?? '', [INTERNAL]: '1' },
  });
  if (current.statusCode !== 200) return undefined; // let the mock answer (404, 401, …)
  const resource = current.json();
  if (typeof resource?.version !== 'number' || resource.version === body.version) return undefined;
  return concurrentModification(resource.id, body.version, resource.version);
}

// API Extensions (see the header): `product` triggers are valid, and the draft's `additionalContext` is kept.
{
  const extensions = ctMock.project(projectKey).getRepository('extension');
  // The mock's draft schema knows the trigger resource types before `product` was added: validate the
  // draft with every `product` trigger read as `cart` (an allowed one), so everything else is still checked.
  const draftSchema = extensions.draftSchema;
  const asKnownTypes = (draft) =>
    draft && Array.isArray(draft.triggers)
      ? {
          ...draft,
          triggers: draft.triggers.map((t) =>
            t?.resourceTypeId === 'product' ? { ...t, resourceTypeId: 'cart' } : t,
          ),
        }
      : draft;
  if (draftSchema)
    extensions.draftSchema = { safeParse: (draft) => draftSchema.safeParse(asKnownTypes(draft)) };
  const createExtension = extensions.create.bind(extensions);
  extensions.create = async (context, draft) => {
    if (!draft.additionalContext) return createExtension(context, draft);
    const saveNew = extensions.saveNew;
    // Writes run one at a time (see the header), so the swap cannot leak into another request.
    extensions.saveNew = (ctx, resource) =>
      saveNew.call(extensions, ctx, {
        ...resource,
        additionalContext: { includeOldResource: draft.additionalContext.includeOldResource ?? false },
      });
    try {
      return await createExtension(context, draft);
    } finally {
      extensions.saveNew = saveNew;
    }
  };
}

// --- query sort pass-through ------------------------------------------------------------------------
// Route handlers run inside a context holding the request's `sort`; the storage's query reads it when the
// service did not pass one. onRoute is added before listen(), so it sees every route the mock registers.
const requestSort = new AsyncLocalStorage();
app.addHook('onRoute', (route) => {
  const handler = route.handler;
  route.handler = function (request, reply) {
    const sort = request.query?.sort;
    return requestSort.run(sort, () => handler.call(this, request, reply));
  };
});
// The mock keeps its storage private; the harness needs it.
const storage = ctMock._storage;
const originalQuery = storage.query.bind(storage);
storage.query = (pk, typeId, params) => {
  const sort = params?.sort ?? requestSort.getStore();
  return originalQuery(pk, typeId, sort === undefined ? params : { ...params, sort });
};

// --- update actions the mock lacks --------------------------------------------------------------
// Real API actions the mock does not implement, applied here to the stored resource and answered like the
// API: subscriptions (changeDestination, setMessages, setChanges, setEvents) and channel roles.
const MISSING_ACTIONS = {
  subscriptions: {
    type: 'subscription',
    actions: {
      changeDestination: (r, a) => (r.destination = a.destination),
      setMessages: (r, a) => (r.messages = a.messages ?? []),
      setChanges: (r, a) => (r.changes = a.changes ?? []),
      setEvents: (r, a) => (r.events = a.events ?? []),
      setKey: (r, a) => (r.key = a.key),
    },
  },
  channels: {
    type: 'channel',
    actions: {
      addRoles: (r, a) => (r.roles = [...new Set([...(r.roles ?? []), ...a.roles])]),
      removeRoles: (r, a) => (r.roles = (r.roles ?? []).filter((role) => !a.roles.includes(role))),
      setRoles: (r, a) => (r.roles = [...new Set(a.roles)]),
    },
  },
};

async function applyMissingActions(request, path, reply) {
  const match = /^\/[^/]+\/(subscriptions|channels)\/(key=)?([^/?]+)$/.exec(path);
  const actions = request.body?.actions;
  if (!match || !Array.isArray(actions)) return false;
  const table = MISSING_ACTIONS[match[1]];
  const handlers = actions.map((a) => table.actions[a.action]);
  // Only when the mock cannot do it: every action known here, at least one the mock lacks.
  if (handlers.some((h) => !h) || actions.every((a) => a.action === 'setKey')) return false;
  const repository = ctMock.project(projectKey).getRepository(table.type);
  const context = { projectKey };
  const id = decodeURIComponent(match[3]);
  const stored = match[2] ? await repository.getByKey(context, id) : await repository.get(context, id);
  if (!stored) {
    reply.code(404).header('content-type', 'application/json').send(failureBody(404));
    return true;
  }
  const updated = structuredClone(stored);
  actions.forEach((action, i) => handlers[i](updated, action));
  updated.version = stored.version + 1;
  updated.lastModifiedAt = new Date().toISOString();
  await ctMock.project(projectKey).unsafeAdd(table.type, updated);
  reply.code(200).header('content-type', 'application/json').send(updated);
  return true;
}

// --- hooks (root level: they apply to every route the mock registers) ------------------------------
app.addHook('onRequest', async (request, reply) => {
  if (isControl(request.url) || isInternal(request)) return;
  const entry = { method: request.method, url: request.url, status: 0 };
  requests.push(entry);
  request.harnessEntry = entry;
  const before = takeFailRule(request.method, request.url, 'before');
  if (before) {
    if (before.status === 0) {
      reply.hijack();
      request.raw.socket.destroy();
      return;
    }
    reply
      .code(before.status)
      .header('content-type', 'application/json')
      .send(before.body ?? failureBody(before.status));
    return reply;
  }
  request.harnessFailAfter = takeFailRule(request.method, request.url, 'after');
});

app.addHook('preHandler', async (request, reply) => {
  if (isControl(request.url) || isInternal(request) || request.url.startsWith('/oauth')) return;
  if (request.method !== 'POST' && request.method !== 'DELETE') return;
  const release = await acquireWriteLock();
  reply.raw.once('close', release);
  request.harnessRelease = release;

  const path = request.url.split('?')[0];
  if (request.method === 'POST' && /\/orders\//.test(path)) rewriteOrderActions(request.body);
  const stale = await checkUpdateVersion(request, path);
  if (stale) {
    reply.code(409).header('content-type', 'application/json').send(stale);
    return reply;
  }
  if (request.method === 'POST' && (await applyMissingActions(request, path, reply))) return reply;
  if (correctCustomObjects) {
    const error = await checkCustomObjectWrite(request.method, path, request.query ?? {}, request.body);
    if (error) {
      reply.code(error.statusCode).header('content-type', 'application/json').send(error);
      return reply;
    }
  }
});

app.addHook('onSend', async (request, reply, payload) => {
  const rule = request.harnessFailAfter;
  if (!rule) return payload;
  if (rule.status === 0) {
    request.raw.socket.destroy();
    return payload;
  }
  reply.code(rule.status).header('content-type', 'application/json');
  return JSON.stringify(rule.body ?? failureBody(rule.status));
});

app.addHook('onResponse', async (request, reply) => {
  request.harnessRelease?.();
  const entry = request.harnessEntry;
  if (entry) entry.status = request.harnessFailAfter?.status === 0 ? 0 : reply.statusCode;
});

app.addHook('onRequestAbort', async (request) => {
  request.harnessRelease?.();
});

// --- control routes ------------------------------------------------------------------------------
app.get('/__control/requests', async () => requests);
app.delete('/__control/requests', async (_request, reply) => {
  requests = [];
  return reply.code(204).send();
});
app.post('/__control/fail-next', async (request, reply) => {
  const body = request.body ?? {};
  const status = Number(body.status);
  if (typeof body.pathPrefix !== 'string' || !body.pathPrefix.startsWith('/') || !Number.isInteger(status)) {
    return reply
      .code(400)
      .send({ message: 'pathPrefix (starting with /) and status (integer) are required' });
  }
  failRules.push({
    method: typeof body.method === 'string' ? body.method.toUpperCase() : undefined,
    pathPrefix: body.pathPrefix,
    status,
    remaining: Number.isInteger(body.times) && body.times > 0 ? body.times : 1,
    body: body.body,
    when: body.when === 'after' ? 'after' : 'before',
  });
  return reply.code(204).send();
});
app.delete('/__control/fail-next', async (_request, reply) => {
  failRules = [];
  return reply.code(204).send();
});
// Stores a complete resource as given, for shapes the emulator's APIs cannot create (e.g. a multi-shipment
// order, which the real API makes from a cart with several shipping addresses).
app.post('/__control/seed/:typeId', async (request, reply) => {
  const { typeId } = request.params;
  const resource = request.body;
  if (!resource || typeof resource !== 'object' || typeof resource.id !== 'string') {
    return reply.code(400).send({ message: 'body must be a resource with an id' });
  }
  await ctMock.project(projectKey).unsafeAdd(typeId, resource);
  return reply.code(201).send(resource);
});
app.post('/__control/clear', async (_request, reply) => {
  await ctMock.clear();
  return reply.code(204).send();
});

// --- start ---------------------------------------------------------------------------------------
// Not ctMock.runServer(): it binds 0.0.0.0. The emulator is for this machine only.
await app.listen({ port: Number(args.port), host: '127.0.0.1' });
const address = app.server.address();
process.stdout.write(
  `${JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0 })}\n`,
);

const stop = () => {
  void app.close().finally(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
};
process.stdin.on('end', stop);
process.stdin.on('close', stop);
process.stdin.resume();
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
