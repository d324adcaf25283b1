import { createHash } from 'node:crypto';
import type {
  ByProjectKeyRequestBuilder,
  Extension,
  ExtensionDraft,
  ExtensionUpdateAction,
} from '@commercetools/platform-sdk';
import { bodyUnlessNotFound, ConfigError, type AppConfig } from '@clarus-connector/core';
import { SKU_GUARD_PATH } from '../extension-routes';

/** One Extension per project under a fixed key, so a redeploy never leaves a second one behind. */
export const SKU_GUARD_EXTENSION_KEY = 'clarus-wms-sku-guard';

/**
 * commercetools waits at most 2000 ms for a product Extension (the default and the maximum; commercetools
 * docs "API Extensions › Time limits"): the guard answers from memory in a few milliseconds.
 */
export const SKU_GUARD_TIMEOUT_MS = 2000;

/** What the SKU guard Extension should look like after a deploy. */
export type DesiredExtension = Required<
  Pick<ExtensionDraft, 'key' | 'destination' | 'triggers' | 'timeoutInMs' | 'additionalContext'>
>;

/**
 * The Extension for this deployment: HTTP to the fulfilment-service's guard route at `CONNECT_SERVICE_URL`
 * (its origin: the service's routes are absolute paths), `Authorization: Bearer <SKU_GUARD_SECRET>`,
 * product Create and Update, 2 s, with the product as it was before an update (`oldResource`: the guard
 * refuses SKU changes on stocked products). commercetools never shows the header value again, so the URL
 * carries a short fingerprint of the secret (`?k=`): a rotated secret changes the URL and is re-registered.
 * @throws ConfigError when CONNECT_SERVICE_URL or SKU_GUARD_SECRET is missing.
 */
export function desiredExtension(config: Pick<AppConfig, 'connect' | 'products'>): DesiredExtension {
  const missing = [
    ...(config.connect.serviceUrl ? [] : ['CONNECT_SERVICE_URL']),
    ...(config.products.skuGuardSecret ? [] : ['SKU_GUARD_SECRET']),
  ];
  if (missing.length)
    throw new ConfigError(
      missing.map((key) => ({
        key,
        message: `is required to register the SKU guard (SKU_GUARD is ${config.products.skuGuard})`,
      })),
    );
  const secret = config.products.skuGuardSecret as string;
  const origin = new URL(config.connect.serviceUrl as string).origin;
  const fingerprint = createHash('sha256').update(secret, 'utf8').digest('hex').slice(0, 12);
  return {
    key: SKU_GUARD_EXTENSION_KEY,
    destination: {
      type: 'HTTP',
      url: `${origin}${SKU_GUARD_PATH}?k=${fingerprint}`,
      authentication: { type: 'AuthorizationHeader', headerValue: `Bearer ${secret}` },
    },
    triggers: [{ resourceTypeId: 'product', actions: ['Create', 'Update'] }],
    timeoutInMs: SKU_GUARD_TIMEOUT_MS,
    additionalContext: { includeOldResource: true },
  };
}

/** The update actions that turn the registered Extension into the desired one; none when nothing changed. */
export function planExtensionUpdate(existing: Extension, desired: DesiredExtension): ExtensionUpdateAction[] {
  const actions: ExtensionUpdateAction[] = [];
  const url = (existing.destination as { url?: string }).url;
  if (existing.destination.type !== 'HTTP' || url !== (desired.destination as { url: string }).url)
    actions.push({ action: 'changeDestination', destination: desired.destination });
  if (triggersKey(existing.triggers) !== triggersKey(desired.triggers))
    actions.push({ action: 'changeTriggers', triggers: desired.triggers });
  if (existing.timeoutInMs !== desired.timeoutInMs)
    actions.push({ action: 'setTimeoutInMs', timeoutInMs: desired.timeoutInMs });
  if (existing.additionalContext?.includeOldResource !== desired.additionalContext.includeOldResource)
    actions.push({ action: 'setAdditionalContext', additionalContext: desired.additionalContext });
  return actions;
}

const triggersKey = (triggers: readonly { resourceTypeId: string; actions: readonly string[] }[]) =>
  JSON.stringify(triggers.map((t) => [t.resourceTypeId, [...t.actions].sort()]).sort());

/** Creates the Extension or updates it in place; `unchanged` when a redeploy has nothing to change. */
export async function ensureSkuGuardExtension(
  api: ByProjectKeyRequestBuilder,
  desired: DesiredExtension,
): Promise<{ extension: Extension; outcome: 'created' | 'updated' | 'unchanged' }> {
  const existing = await findExtension(api);
  if (!existing) {
    const created = await api.extensions().post({ body: desired }).execute();
    return { extension: created.body, outcome: 'created' };
  }
  const actions = planExtensionUpdate(existing, desired);
  if (!actions.length) return { extension: existing, outcome: 'unchanged' };
  const updated = await api
    .extensions()
    .withKey({ key: SKU_GUARD_EXTENSION_KEY })
    .post({ body: { version: existing.version, actions } })
    .execute();
  return { extension: updated.body, outcome: 'updated' };
}

/** Deletes the Extension (undeploy, or SKU_GUARD turned off); false when there was none. */
export async function removeSkuGuardExtension(api: ByProjectKeyRequestBuilder): Promise<boolean> {
  const existing = await findExtension(api);
  if (!existing) return false;
  await api
    .extensions()
    .withKey({ key: SKU_GUARD_EXTENSION_KEY })
    .delete({ queryArgs: { version: existing.version } })
    .execute();
  return true;
}

function findExtension(api: ByProjectKeyRequestBuilder): Promise<Extension | undefined> {
  return bodyUnlessNotFound(api.extensions().withKey({ key: SKU_GUARD_EXTENSION_KEY }).get());
}
