import { forEachPage, MAX_QUERY_OFFSET, type PageRequest } from '../../src/commercetools';

/** A backend over `count` ids; `sorted: false` returns offset pages in a stable but unsorted order (emulator). */
function backend(count: number, sorted: boolean) {
  const ids = Array.from({ length: count }, (_, i) => `id-${String(i).padStart(6, '0')}`);
  const stored = sorted ? ids : [...ids].reverse();
  const requests: PageRequest[] = [];
  const fetchPage = async (request: PageRequest) => {
    requests.push(request);
    if (request.offset > MAX_QUERY_OFFSET) throw new Error('offset over the API limit');
    const cursor = request.where.find((w) => w.startsWith('id > '))?.slice(6, -1);
    const matching = cursor ? ids.filter((id) => id > cursor) : stored;
    const page = matching.slice(request.offset, request.offset + request.limit);
    return page.map((id) => ({ id }));
  };
  return { fetchPage, requests };
}

describe('forEachPage', () => {
  it('reaches every result past the 10,000 offset cap, never asking for a larger offset', async () => {
    const { fetchPage, requests } = backend(12_345, true);
    const seen: string[] = [];
    await forEachPage(fetchPage, { where: ['x'], pageSize: 500 }, (page) => {
      seen.push(...page.map((r) => r.id));
    });
    expect(seen).toHaveLength(12_345);
    expect(new Set(seen).size).toBe(12_345);
    expect(Math.max(...requests.map((r) => r.offset))).toBeLessThanOrEqual(MAX_QUERY_OFFSET);
    expect(requests.some((r) => r.where.some((w) => w.startsWith('id > ')))).toBe(true);
  });

  it('pages a backend that ignores sort correctly within the offset range', async () => {
    const { fetchPage } = backend(1_234, false);
    const seen = new Set<string>();
    await forEachPage(fetchPage, { where: [], pageSize: 100 }, (page) => page.forEach((r) => seen.add(r.id)));
    expect(seen.size).toBe(1_234);
  });

  it('stops after a short page and pauses between pages', async () => {
    const { fetchPage, requests } = backend(250, true);
    let pauses = 0;
    await forEachPage(
      fetchPage,
      { where: [], pageSize: 100, between: async () => void pauses++ },
      () => undefined,
    );
    expect(requests.map((r) => r.offset)).toEqual([0, 100, 200]);
    expect(pauses).toBe(2);
  });
});
