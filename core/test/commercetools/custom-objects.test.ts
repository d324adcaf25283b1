import {
  CUSTOM_OBJECT_KEY_PATTERN,
  createCustomObjects,
  customObjectKey,
  type CustomObjects,
} from '../../src';
import { startEmulatorWithClient, type EmulatorWithClient } from './setup';

interface Claim {
  holder: string;
}

describe('Custom Objects gateway (emulator with the harness corrections, i.e. real-API semantics)', () => {
  let ctx: EmulatorWithClient;
  let objects: CustomObjects;

  beforeAll(async () => {
    ctx = await startEmulatorWithClient();
    objects = createCustomObjects(ctx.api);
  });
  afterAll(() => ctx.emulator.close());
  beforeEach(() => ctx.emulator.clearFailures());

  it('get answers undefined for an absent object', async () => {
    expect(await objects.get('co-test', 'absent')).toBeUndefined();
  });

  describe('createOnly', () => {
    it('creates when absent; a second create returns the existing object and does not overwrite it', async () => {
      const first = await objects.createOnly<Claim>('co-test', 'claim-1', { holder: 'a' });
      const second = await objects.createOnly<Claim>('co-test', 'claim-1', { holder: 'b' });

      expect(first).toMatchObject({ created: true, object: { version: 1, value: { holder: 'a' } } });
      expect(second).toMatchObject({ created: false, existing: { version: 1, value: { holder: 'a' } } });
      // What is stored is still the first claim, untouched (an upsert would show holder b at version 2).
      expect(await objects.get<Claim>('co-test', 'claim-1')).toMatchObject({
        version: 1,
        value: { holder: 'a' },
      });
    });

    it('of many concurrent creators exactly one wins, and all others see the winner', async () => {
      const holders = ['h1', 'h2', 'h3', 'h4', 'h5', 'h6'];
      const results = await Promise.all(
        holders.map((holder) => objects.createOnly<Claim>('co-test', 'race', { holder })),
      );

      const winners = results.filter((r) => r.created);
      expect(winners).toHaveLength(1);
      const winner = winners[0]!.created ? winners[0]!.object.value.holder : undefined;
      for (const r of results) {
        if (!r.created) expect(r.existing.value.holder).toBe(winner);
      }
      expect((await objects.get<Claim>('co-test', 'race'))?.value.holder).toBe(winner);
    });

    it('recognises its own write when the answer was lost and the client retried', async () => {
      // The create lands, its answer is replaced by a 503, the client retries and meets a 409.
      await ctx.emulator.failNext({ method: 'POST', path: '/custom-objects', status: 503, when: 'after' });
      const token = 'attempt-42';

      const result = await objects.createOnly<Claim>(
        'co-test',
        'lost-answer',
        { holder: token },
        {
          isOurs: (existing) => existing.holder === token,
        },
      );

      expect(result).toMatchObject({ created: true, object: { version: 1, value: { holder: token } } });
    });
  });

  describe('replace (compare-and-set)', () => {
    it('writes only at the expected version', async () => {
      const created = await objects.createOnly('co-test', 'cas', { n: 1 });
      if (!created.created) throw new Error('setup');

      const ok = await objects.replace('co-test', 'cas', { n: 2 }, created.object.version);
      const stale = await objects.replace('co-test', 'cas', { n: 3 }, created.object.version);

      expect(ok).toMatchObject({ replaced: true, object: { version: 2, value: { n: 2 } } });
      expect(stale).toEqual({ replaced: false, reason: 'conflict' });
      expect((await objects.get('co-test', 'cas'))?.value).toEqual({ n: 2 });
    });

    it('reports a conflict when the object is gone', async () => {
      expect(await objects.replace('co-test', 'never-created', { n: 1 }, 1)).toEqual({
        replaced: false,
        reason: 'conflict',
      });
    });
  });

  it('remove honours the version and reports what happened', async () => {
    await objects.put('co-test', 'to-remove', { x: 1 });
    await objects.put('co-test', 'to-remove', { x: 2 }); // version 2

    expect(await objects.remove('co-test', 'to-remove', 1)).toBe('conflict');
    expect(await objects.remove('co-test', 'to-remove', 2)).toBe('removed');
    expect(await objects.remove('co-test', 'to-remove')).toBe('not_found');
  });

  it('queries with predicates and pages through everything by id', async () => {
    for (let i = 0; i < 7; i += 1) {
      await objects.put('co-query', `item-${i}`, { parity: i % 2 === 0 ? 'even' : 'odd', i });
    }

    const page = await objects.query<{ i: number }>('co-query', {
      where: 'value(parity = "even")',
      limit: 2,
    });
    const all = await objects.queryAll<{ i: number }>('co-query', { pageSize: 2 });
    const odd = await objects.queryAll<{ i: number }>('co-query', {
      where: 'value(parity = "odd")',
      pageSize: 2,
    });

    expect(page.results).toHaveLength(2);
    expect(all.map((o) => o.value.i).sort()).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(new Set(all.map((o) => o.id)).size).toBe(7);
    expect(odd.map((o) => o.value.i).sort()).toEqual([1, 3, 5]);
  });

  it('modify re-reads on conflict, so concurrent increments are never lost', async () => {
    const increment = () =>
      objects.modify<{ n: number }>('co-test', 'counter', (current) => ({ n: (current?.value.n ?? 0) + 1 }), {
        maxAttempts: 20,
      });

    await Promise.all(Array.from({ length: 6 }, increment));

    expect((await objects.get<{ n: number }>('co-test', 'counter'))?.value.n).toBe(6);
  });

  it('rejects container and key values the API would refuse', async () => {
    await expect(objects.get('co-test', 'has space')).rejects.toThrow(RangeError);
    await expect(objects.createOnly('co/test', 'k', {})).rejects.toThrow(RangeError);
  });
});

describe('customObjectKey', () => {
  it('is deterministic, readable for safe parts and always a valid key', () => {
    expect(customObjectKey('lock', 'inventory-job')).toBe('lock.inventory-job');
    const odd = customObjectKey('sku-unknown-to-clarus', 'sku', 'ABC/12 3');
    expect(odd).toBe(customObjectKey('sku-unknown-to-clarus', 'sku', 'ABC/12 3'));
    expect(odd).toMatch(CUSTOM_OBJECT_KEY_PATTERN);
    expect(odd.startsWith('sku-unknown-to-clarus.sku.~')).toBe(true);
    const long = customObjectKey('x', 'y'.repeat(300));
    expect(long.length).toBeLessThanOrEqual(256);
    expect(long).toMatch(CUSTOM_OBJECT_KEY_PATTERN);
  });

  it('never maps different part lists to the same key', () => {
    expect(customObjectKey('a', 'b')).not.toBe(customObjectKey('a.b'));
    expect(customObjectKey('a', 'b.c')).not.toBe(customObjectKey('a', 'b', 'c'));
  });
});

describe('create-only on the uncorrected emulator (it upserts on version 0)', () => {
  let ctx: EmulatorWithClient;
  let objects: CustomObjects;

  beforeAll(async () => {
    ctx = await startEmulatorWithClient({ rawCustomObjects: true });
    objects = createCustomObjects(ctx.api);
  });
  afterAll(() => ctx.emulator.close());

  it('shows the deviation: a raw version-0 write overwrites an existing object', async () => {
    await ctx.api
      .customObjects()
      .post({ body: { container: 'raw', key: 'k', value: { holder: 'a' }, version: 0 } })
      .execute();
    const second = await ctx.api
      .customObjects()
      .post({ body: { container: 'raw', key: 'k', value: { holder: 'b' }, version: 0 } })
      .execute();
    expect(second.body).toMatchObject({ version: 2, value: { holder: 'b' } });
  });

  it('createOnly never overwrites an existing claim there: it reads first and answers "exists"', async () => {
    const first = await objects.createOnly<Claim>('raw', 'claim', { holder: 'a' });
    expect(first.created).toBe(true);

    const second = await objects.createOnly<Claim>('raw', 'claim', { holder: 'b' });
    expect(second).toMatchObject({ created: false, existing: { version: 1, value: { holder: 'a' } } });
    expect(await objects.get<Claim>('raw', 'claim')).toMatchObject({ version: 1, value: { holder: 'a' } });
  });
});
