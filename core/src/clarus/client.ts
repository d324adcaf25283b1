import type { ClarusConfig } from '../config';
import { createKeepAliveFetch, type FetchLike } from '../http/keep-alive-fetch';
import type { Logger } from '../logging';
import { createTokenProvider } from './auth';
import { scopeGraphQL } from './account-scope';
import { createGoodsOutOperations, type GoodsOutOperations } from './goods-outs';
import { createGraphQL, DEFAULT_PAGE_SIZE, type ClarusGraphQL } from './graphql';
import { createLimiter } from './limiter';
import { createProductOperations, type ProductOperations } from './products';
import { createReads, DEFAULT_CHUNK_SIZE, type ClarusReads } from './reads';
import { createApiCall } from './request';
import { DEFAULT_RETRY_POLICY, type RetryDeps, type RetryPolicy } from './retry';
import { createTransport } from './transport';

/**
 * The Clarus WMS API: goods out writes (REST), typed reads and raw GraphQL (with paging). Reads are scoped
 * to `config.accountId` (`CLARUS_ACCOUNT_ID`): the typed reads and `paginate` add the documented
 * `account_id` filter (account-scope.ts); `query` sends the caller's query text as it is.
 */
export interface ClarusClient extends GoodsOutOperations, ProductOperations, ClarusReads, ClarusGraphQL {}

export interface ClarusClientOptions {
  config: ClarusConfig;
  logger: Logger;
  /** Defaults to the keep-alive client (`createKeepAliveFetch`); tests pass a recording wrapper of fetch. */
  fetch?: FetchLike;
  /** Epoch ms clock used for token expiry and deadlines; defaults to Date.now. */
  now?: () => number;
  /** Retry policy for reads and the token request. */
  retry?: Partial<RetryPolicy>;
  /** Nodes per GraphQL page (default 100). */
  pageSize?: number;
  /** Values per `in` filter when looking many codes/references up (default 50). */
  chunkSize?: number;
  /** Source of jitter in [0, 1); defaults to Math.random. */
  random?: () => number;
}

/**
 * Builds a client with its own token cache, rate and concurrency limiter and per-tenant memory
 * (e.g. whether `alt_line_reference` is readable). Create one per app at wiring time.
 */
export function createClarusClient(options: ClarusClientOptions): ClarusClient {
  const { config, logger } = options;
  const now = options.now ?? Date.now;
  const retry: RetryDeps = {
    policy: { ...DEFAULT_RETRY_POLICY, ...options.retry },
    now,
    random: options.random ?? Math.random,
    logger,
  };
  const limiter = createLimiter({
    maxRequestsPerSecond: config.maxRequestsPerSecond,
    maxConcurrency: config.maxConcurrency,
    now,
  });
  const transport = createTransport({
    apiUrl: config.apiUrl.replace(/\/+$/, ''),
    subdomain: config.subdomain,
    requestTimeoutMs: config.requestTimeoutMs,
    logger,
    fetch: options.fetch ?? createKeepAliveFetch(),
    now,
    limiter,
  });
  const auth = createTokenProvider({
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    transport,
    retry,
    now,
  });
  const call = createApiCall({ transport, auth, retry, now });
  const graphql = scopeGraphQL(
    createGraphQL({ call, logger, pageSize: options.pageSize ?? DEFAULT_PAGE_SIZE }),
    config.accountId,
  );
  const restPrefix = normalisePrefix(config.restPrefix);

  return {
    ...createGoodsOutOperations({ call, restPrefix }),
    ...createProductOperations({ call, restPrefix }),
    ...createReads({
      graphql,
      logger,
      chunkSize: options.chunkSize ?? DEFAULT_CHUNK_SIZE,
      accountId: config.accountId,
    }),
    query: graphql.query,
    paginate: graphql.paginate,
  };
}

/** `/api`, `api/`, `/api/v1` → `/api`, `/api`, `/api/v1`; empty stays empty. */
function normalisePrefix(prefix: string | undefined): string {
  const trimmed = (prefix ?? '/api').trim().replace(/\/+$/, '');
  if (trimmed === '') return '';
  return trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
}
