import type { ByProjectKeyRequestBuilder, Channel } from '@commercetools/platform-sdk';
import { bodyUnlessNotFound } from '../commercetools';

export const CLARUS_CHANNEL_KEY = 'clarus-wms';

/** The `clarus-wms` channel (role OrderExport) that order syncInfo points at; created or given the role if missing. */
export async function ensureClarusChannel(api: ByProjectKeyRequestBuilder): Promise<Channel> {
  const existing = await bodyUnlessNotFound(api.channels().withKey({ key: CLARUS_CHANNEL_KEY }).get());
  if (!existing) {
    return (
      await api
        .channels()
        .post({
          body: {
            key: CLARUS_CHANNEL_KEY,
            roles: ['OrderExport'],
            name: { en: 'Clarus WMS' },
            description: {
              en: 'Orders exported to Clarus WMS as goods outs (syncInfo.externalId = goods out id)',
            },
          },
        })
        .execute()
    ).body;
  }
  if (existing.roles.includes('OrderExport')) return existing;
  return (
    await api
      .channels()
      .withId({ ID: existing.id })
      .post({
        body: { version: existing.version, actions: [{ action: 'addRoles', roles: ['OrderExport'] }] },
      })
      .execute()
  ).body;
}

/** Resolves the channel once per process; every app that reads or writes export state shares it. */
export function clarusChannelResolver(api: ByProjectKeyRequestBuilder): () => Promise<Channel> {
  let pending: Promise<Channel> | undefined;
  return () => {
    pending ??= ensureClarusChannel(api).catch((err: unknown) => {
      pending = undefined;
      throw err;
    });
    return pending;
  };
}
