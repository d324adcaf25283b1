import type { ByProjectKeyRequestBuilder, CustomObject } from '@commercetools/platform-sdk';
import { bodyUnlessNotFound, isConcurrentModification, isNotFound } from './errors';
import { assertCustomObjectKey } from './keys';
import { forEachPage } from './query';

/** A Custom Object as stored, with its value typed by the caller (who validates it). */
export interface StoredObject<T> {
  id: string;
  version: number;
  container: string;
  key: string;
  value: T;
  createdAt: string;
  lastModifiedAt: string;
}

export type CreateOnlyResult<T> =
  { created: true; object: StoredObject<T> } | { created: false; existing: StoredObject<T> };

export type ReplaceResult<T> =
  | { replaced: true; object: StoredObject<T> }
  /** `conflict`: the object is at another version (or was deleted/re-created); re-read and decide again. */
  | { replaced: false; reason: 'conflict' };

export type RemoveResult = 'removed' | 'not_found' | 'conflict';

export interface QueryOptions {
  /** Query predicate(s) on top of the container, e.g. `value(status = "open")`; several are AND-ed. */
  where?: string | string[];
  limit?: number;
  offset?: number;
}

export interface QueryPage<T> {
  results: StoredObject<T>[];
  offset: number;
  limit: number;
  count: number;
}

export interface ModifyResult<T> {
  object: StoredObject<T> | undefined;
  changed: boolean;
  attempts: number;
}

/**
 * The backend answered a create-only write by overwriting an existing object (the commercetools-mock
 * upserts on `version: 0`). Nothing built on create-only — claims, locks — can be trusted on such a backend.
 */
export class CreateOnlyNotHonouredError extends Error {
  constructor(
    readonly container: string,
    readonly key: string,
    readonly version: number,
  ) {
    super(
      `Custom Object ${container}/${key} already existed and was overwritten by a create-only write ` +
        `(it came back at version ${version}, not 1): this API does not honour version 0 as create-only`,
    );
    this.name = 'CreateOnlyNotHonouredError';
  }
}

/** A compare-and-set loop on one object kept conflicting. */
export class CustomObjectContentionError extends Error {
  constructor(
    readonly container: string,
    readonly key: string,
    readonly attempts: number,
  ) {
    super(`Custom Object ${container}/${key} kept changing: gave up after ${attempts} attempts`);
    this.name = 'CustomObjectContentionError';
  }
}

export interface CustomObjects {
  get<T>(container: string, key: string): Promise<StoredObject<T> | undefined>;
  /**
   * Creates the object only if there is none. `isOurs` recognises our own earlier write (e.g. by a token
   * in the value) when a retry meets it: a write that landed but whose answer was lost is then reported as
   * created rather than as someone else's.
   */
  createOnly<T>(
    container: string,
    key: string,
    value: T,
    options?: { isOurs?: (existing: T) => boolean },
  ): Promise<CreateOnlyResult<T>>;
  /** Compare-and-set: writes only if the object is still at `expectedVersion`. */
  replace<T>(container: string, key: string, value: T, expectedVersion: number): Promise<ReplaceResult<T>>;
  /** Unconditional write (create or overwrite); for state only one writer owns, e.g. under a job lock. */
  put<T>(container: string, key: string, value: T): Promise<StoredObject<T>>;
  /** Deletes; with `version`, only if the object is still at that version. */
  remove(container: string, key: string, version?: number): Promise<RemoveResult>;
  /** One page, ordered by id. */
  query<T>(container: string, options?: QueryOptions): Promise<QueryPage<T>>;
  /** Every matching object (see `forEachPage`: offset pages, then an id cursor past 10,000). */
  queryAll<T>(
    container: string,
    options?: { where?: string | string[]; pageSize?: number },
  ): Promise<StoredObject<T>[]>;
  /**
   * Read → compute → compare-and-set, re-reading on conflict. `compute` gets the current object (undefined
   * when absent) and returns the new value, or undefined to leave it as it is. Creates are create-only,
   * updates are versioned, so a concurrent writer is never overwritten: `compute` runs again on its result.
   */
  modify<T>(
    container: string,
    key: string,
    compute: (current: StoredObject<T> | undefined) => T | undefined,
    /** Rounds before giving up with CustomObjectContentionError (default 8). */
    options?: { maxAttempts?: number },
  ): Promise<ModifyResult<T>>;
}

const toStored = <T>(o: CustomObject): StoredObject<T> => ({
  id: o.id,
  version: o.version,
  container: o.container,
  key: o.key,
  value: o.value as T,
  createdAt: o.createdAt,
  lastModifiedAt: o.lastModifiedAt,
});

/**
 * Custom Objects gateway.
 *
 * Create-only, and why it is correct on the real API: the API's documented rule for a draft with a
 * `version` is "if an object with this container/key exists, the version must match" (otherwise 409
 * ConcurrentModification). Objects start at version 1, so `version: 0` can never match an existing object:
 * the write either creates the object (returned at version 1) or fails with 409, atomically on the server.
 * No read-then-write race is involved: the read that comes first only saves the write when the object is
 * already there. Two extra guards cover backends that do not honour that rule (the
 * commercetools-mock upserts on `version: 0`): a successful create-only write must come back at version 1
 * — anything else means an existing object was overwritten, and we throw `CreateOnlyNotHonouredError`
 * instead of reporting a claim we do not hold. (The sandbox's emulator harness corrects the mock, and a test
 * runs against the uncorrected mock to prove the guard.)
 */
export function createCustomObjects(api: ByProjectKeyRequestBuilder): CustomObjects {
  const check = (container: string, key?: string) => {
    assertCustomObjectKey('container', container);
    if (key !== undefined) assertCustomObjectKey('key', key);
  };

  const post = async <T>(container: string, key: string, value: T, version?: number) => {
    const body = version === undefined ? { container, key, value } : { container, key, value, version };
    const response = await api.customObjects().post({ body }).execute();
    return toStored<T>(response.body);
  };

  const get = async <T>(container: string, key: string): Promise<StoredObject<T> | undefined> => {
    check(container, key);
    const found = await bodyUnlessNotFound(api.customObjects().withContainerAndKey({ container, key }).get());
    return found && toStored<T>(found);
  };

  const createOnly: CustomObjects['createOnly'] = async (container, key, value, options) => {
    check(container, key);
    // An object can disappear between our 409 and our read (a release, a delete): then try again.
    for (let attempt = 1; attempt <= 3; attempt += 1) {
      // Look first: an existing object is answered without a write, so a backend that upserts on
      // `version: 0` (the commercetools-mock) cannot overwrite it in the common, sequential case.
      const seen = await get<typeof value>(container, key);
      if (seen) {
        return options?.isOurs?.(seen.value)
          ? { created: true, object: seen }
          : { created: false, existing: seen };
      }
      try {
        const object = await post(container, key, value, 0);
        if (object.version !== 1) throw new CreateOnlyNotHonouredError(container, key, object.version);
        return { created: true, object };
      } catch (err) {
        if (!isConcurrentModification(err)) throw err;
        const existing = await get<typeof value>(container, key);
        if (existing) {
          return options?.isOurs?.(existing.value)
            ? { created: true, object: existing }
            : { created: false, existing };
        }
      }
    }
    throw new CustomObjectContentionError(container, key, 3);
  };

  const replace: CustomObjects['replace'] = async (container, key, value, expectedVersion) => {
    check(container, key);
    if (!Number.isInteger(expectedVersion) || expectedVersion < 1) {
      throw new RangeError(`replace needs the version of an existing object, got ${expectedVersion}`);
    }
    try {
      return { replaced: true, object: await post(container, key, value, expectedVersion) };
    } catch (err) {
      // 404: the object is gone. Either way the version we based the new value on no longer exists.
      if (isConcurrentModification(err) || isNotFound(err)) return { replaced: false, reason: 'conflict' };
      throw err;
    }
  };

  const put: CustomObjects['put'] = async (container, key, value) => {
    check(container, key);
    // The API answers 409 to a concurrent write even without a version; last writer wins, so just resend.
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await post(container, key, value);
      } catch (err) {
        if (!isConcurrentModification(err) || attempt >= 3) throw err;
      }
    }
  };

  const remove: CustomObjects['remove'] = async (container, key, version) => {
    check(container, key);
    try {
      await api
        .customObjects()
        .withContainerAndKey({ container, key })
        .delete({ queryArgs: version === undefined ? {} : { version } })
        .execute();
      return 'removed';
    } catch (err) {
      if (isNotFound(err)) return 'not_found';
      if (isConcurrentModification(err)) return 'conflict';
      throw err;
    }
  };

  const query = async <T>(container: string, options: QueryOptions = {}): Promise<QueryPage<T>> => {
    check(container);
    const where =
      options.where === undefined ? [] : Array.isArray(options.where) ? options.where : [options.where];
    const response = await api
      .customObjects()
      .withContainer({ container })
      .get({
        queryArgs: {
          ...(where.length ? { where } : {}),
          sort: 'id asc',
          limit: options.limit ?? 100,
          offset: options.offset ?? 0,
          withTotal: false,
        },
      })
      .execute();
    const body = response.body;
    return {
      results: body.results.map((o) => toStored<T>(o)),
      offset: body.offset,
      limit: body.limit,
      count: body.count,
    };
  };

  const queryAll: CustomObjects['queryAll'] = async <T>(
    container: string,
    options: { where?: string | string[]; pageSize?: number } = {},
  ) => {
    const base =
      options.where === undefined ? [] : Array.isArray(options.where) ? options.where : [options.where];
    const all: StoredObject<T>[] = [];
    await forEachPage(
      async ({ where, limit, offset }) => (await query<T>(container, { where, limit, offset })).results,
      { where: base, pageSize: options.pageSize },
      (page) => {
        all.push(...page);
      },
    );
    return all;
  };

  const modify: CustomObjects['modify'] = async <T>(
    container: string,
    key: string,
    compute: (current: StoredObject<T> | undefined) => T | undefined,
    options: { maxAttempts?: number } = {},
  ) => {
    const maxAttempts = options.maxAttempts ?? 8;
    let current = await get<T>(container, key);
    for (let attempt = 1; attempt <= maxAttempts; attempt += 1) {
      const next = compute(current);
      if (next === undefined) return { object: current, changed: false, attempts: attempt };
      if (!current) {
        const result = await createOnly<T>(container, key, next);
        if (result.created) return { object: result.object, changed: true, attempts: attempt };
        current = result.existing;
      } else {
        const result = await replace<T>(container, key, next, current.version);
        if (result.replaced) return { object: result.object, changed: true, attempts: attempt };
        // Spread racing writers out a little before reading again.
        await new Promise((resolve) => setTimeout(resolve, Math.round(10 * attempt * Math.random())));
        current = await get<T>(container, key);
      }
    }
    throw new CustomObjectContentionError(container, key, maxAttempts);
  };

  return { get, createOnly, replace, put, remove, query, queryAll, modify };
}
