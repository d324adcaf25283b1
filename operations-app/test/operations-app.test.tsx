import {
  fireEvent,
  renderApp,
  screen,
  waitFor,
  within,
} from '@commercetools-frontend/application-shell/test-utils';
import type { ExceptionRecord, HealthReport } from '../../mc-shared/src';
import { mockForwardTo, type ForwardedCall } from '../../mc-shared/test/forward-to-mock';
import { ClarusWmsPage } from '../src/entry-point';

const SERVICE = 'https://fulfilment.example.com';

const health: HealthReport = {
  status: 'ok',
  checkedAt: '2026-11-30T09:00:00.000Z',
  inventory: {
    jobName: 'inventory-sync',
    lastRun: { at: '2026-11-30T08:55:00.000Z', outcome: 'finished', ageSeconds: 300 },
  },
  reconciliation: {
    jobName: 'reconciliation',
    lastRun: { at: '2026-11-30T08:50:00.000Z', outcome: 'completed', ageSeconds: 600 },
  },
  ordersWaitingForExport: {
    count: 1,
    since: '2026-11-27T09:00:00.000Z',
    oldest: { orderId: 'o-9', orderNumber: 'SO-9', createdAt: '2026-11-30T08:40:00.000Z', ageMinutes: 20 },
  },
  exceptions: {
    total: 25,
    byKind: { 'sku-unknown-to-clarus': 25 },
    byTeam: { ecommerce: 0, operations: 25, finance: 0 },
  },
  reachability: {
    clarus: { reachable: true, latencyMs: 42 },
    commercetools: { reachable: true, latencyMs: 12 },
  },
  problems: [],
};

const exception = (n: number): ExceptionRecord => ({
  key: `sku-unknown-to-clarus.sku.SKU-${n}`,
  kind: 'sku-unknown-to-clarus',
  team: 'operations',
  entity: { type: 'sku', id: `SKU-${n}`, sku: `SKU-${n}` },
  message: `SKU-${n} is sold in commercetools but Clarus has no product with that code`,
  action: 'Create the product in Clarus or fix the SKU rules',
  status: 'open',
  count: 1,
  firstSeenAt: '2026-11-30T08:00:00.000Z',
  lastSeenAt: '2026-11-30T08:00:00.000Z',
});
const ALL = Array.from({ length: 25 }, (_, i) => exception(i + 1));

/** The operations API as the mocked forward-to answers it: paging and search like the real one. */
function answer(call: ForwardedCall) {
  const url = new URL(call.url);
  if (url.pathname === '/ops/health') return { status: 200, body: health };
  if (url.pathname === '/ops/exceptions-by-day')
    return {
      status: 200,
      body: {
        days: Array.from({ length: 14 }, (_, i) => ({
          date: `2026-11-${String(17 + i).padStart(2, '0')}`,
          open: i,
        })),
      },
    };
  if (url.pathname === '/ops/jobs/inventory/last-run')
    return {
      status: 200,
      body: {
        lastRun: {
          jobName: 'inventory-sync',
          savedAt: '2026-11-30T08:55:00.000Z',
          // The inventory job's InventoryRunSummary as it records it, plus a field this UI does not know.
          summary: {
            runId: 'inv-2026-11-30T08:50',
            outcome: 'finished',
            startedAt: '2026-11-30T08:50:00.000Z',
            finishedAt: '2026-11-30T08:54:05.000Z',
            durationMs: 245_000,
            channels: ['uk-web', 'eu-web'],
            clarusBalances: 412,
            skusRead: 240,
            bundles: 1,
            unmappedCodes: 3,
            collisions: 0,
            skippedNewer: 2,
            skusInScope: 242,
            skusProcessed: 242,
            batches: 1,
            inFlightOrders: 4,
            created: 5,
            updated: 12,
            unchanged: 230,
            failed: 1,
            exceptionsRaised: 4,
            exceptionsResolved: 1,
            shadowMode: false,
          },
        },
      },
    };
  if (url.pathname === '/ops/exceptions.csv')
    return { status: 200, text: 'key,kind\nsku-unknown-to-clarus.sku.SKU-1,sku-unknown-to-clarus\n' };
  if (url.pathname === '/ops/exceptions') {
    const q = (url.searchParams.get('q') ?? '').toLowerCase();
    const rows = ALL.filter((e) => !q || e.entity.sku!.toLowerCase() === q);
    const offset = Number(url.searchParams.get('offset') ?? 0);
    const limit = Number(url.searchParams.get('limit') ?? 100);
    const items = rows.slice(offset, offset + limit);
    return {
      status: 200,
      body: { count: items.length, total: rows.length, offset, limit, exceptions: items },
    };
  }
  if (call.method === 'POST' && url.pathname.endsWith('/resolve'))
    return { status: 200, body: { resolved: true } };
  return undefined;
}

const render = (canManage: boolean) =>
  renderApp(<ClarusWmsPage />, {
    environment: { fulfilmentServiceUrl: SERVICE, entryPointUriPath: 'clarus-wms' } as never,
    // The shell's own route check is Merchant Center's business; these tests are about the page.
    disableRoutePermissionCheck: true,
    project: {
      allAppliedPermissions: [
        { name: 'canViewClarusWms', value: true },
        { name: 'canManageClarusWms', value: canManage },
      ],
    },
  });

beforeAll(() => {
  (URL as unknown as { createObjectURL: () => string }).createObjectURL = () => 'blob:csv';
  (URL as unknown as { revokeObjectURL: () => void }).revokeObjectURL = () => undefined;
});

it('shows at a glance whose move it is, the runs, waiting orders, the trend and the last inventory run', async () => {
  mockForwardTo(answer);
  render(false);
  expect(await screen.findByText(/Needs attention — open exceptions: operations 25/)).toBeInTheDocument();
  expect(screen.getByText('Orders waiting for export')).toBeInTheDocument();
  expect(screen.getByText(/oldest SO-9, 20 min/)).toBeInTheDocument();
  expect(await screen.findByRole('img', { name: 'Open exceptions per day' })).toBeInTheDocument();
  expect(await screen.findByText('Ran: 30 Nov 2026, 08:50 UTC')).toBeInTheDocument();
});

it('tells the last inventory run in plain words, internal counters only under details', async () => {
  mockForwardTo(answer);
  render(false);
  const card = (await screen.findByRole('heading', { name: 'Last inventory run' })).parentElement!;
  for (const fact of [
    'Ran: 30 Nov 2026, 08:50 UTC',
    'Took: 4 min 5 s',
    'Outcome: Finished',
    'Stock entries written: 12 updated, 5 created',
    'SKUs checked: 242 of 242',
    'Clarus products no SKU maps to: 3',
    'Left to the next run (a fresher value was written meanwhile): 2',
    'Errors: 1 entry not written; 4 exceptions raised, 1 resolved',
  ])
    expect(within(card).getByText(fact)).toBeInTheDocument();
  // No raw field name in the summary itself; the rest, plainly labelled, in a collapsed details block.
  const details = card.querySelector('details')!;
  expect(details.open).toBe(false);
  for (const raw of ['runId', 'skippedNewer', 'clarusBalances', 'skusInScope', 'unmappedCodes'])
    expect(card.textContent).not.toContain(raw);
  expect(within(details).getByText('Run id: inv-2026-11-30T08:50')).toBeInTheDocument();
  expect(within(details).getByText('Clarus stock rows read: 412')).toBeInTheDocument();
  expect(within(details).getByText('Channels: uk-web, eu-web')).toBeInTheDocument();
  expect(within(details).getByText('shadowMode: false')).toBeInTheDocument();
});

it('lists exceptions page by page, searches by SKU and downloads the same CSV as the API', async () => {
  const calls = mockForwardTo(answer);
  render(false);
  expect(await screen.findByText('25 exceptions')).toBeInTheDocument();
  expect(screen.getByText(/SKU-1 is sold in commercetools/)).toBeInTheDocument();
  expect(screen.queryByText(/SKU-21 is sold/)).not.toBeInTheDocument();
  expect(calls.some((c) => c.path === '/ops/exceptions?status=open&limit=20&offset=0')).toBe(true);

  fireEvent.click(screen.getByLabelText('Next page'));
  expect(await screen.findByText(/SKU-21 is sold in commercetools/)).toBeInTheDocument();
  expect(calls.some((c) => c.path === '/ops/exceptions?status=open&limit=20&offset=20')).toBe(true);

  fireEvent.change(screen.getByPlaceholderText('Order number or SKU'), { target: { value: 'SKU-7' } });
  fireEvent.click(screen.getByRole('button', { name: 'Search' }));
  expect(await screen.findByText('1 exception matching “SKU-7”')).toBeInTheDocument();

  // jsdom cannot follow a download link: record which file the page offers instead.
  const downloads: string[] = [];
  const click = jest.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (
    this: HTMLAnchorElement,
  ) {
    downloads.push(this.download);
  });
  fireEvent.click(screen.getByRole('button', { name: 'Download CSV' }));
  await waitFor(() => expect(downloads).toEqual(['clarus-exceptions.csv']));
  expect(calls.some((c) => c.path === '/ops/exceptions.csv?status=open&q=SKU-7')).toBe(true);
  click.mockRestore();
});

it('resolves an exception after confirmation when the user may manage, and not otherwise', async () => {
  const calls = mockForwardTo(answer);
  const view = render(true);
  await screen.findByText(/SKU-1 is sold in commercetools/);
  const [first] = screen.getAllByRole('button', { name: 'Resolve' });
  expect(first).toBeEnabled();
  fireEvent.click(first!);
  fireEvent.click(await screen.findByRole('button', { name: 'Yes, resolve' }));
  expect(
    await screen.findByText('Resolved the sku-unknown-to-clarus exception for SKU-1.'),
  ).toBeInTheDocument();
  expect(calls.filter((c) => c.method === 'POST').map((c) => c.path)).toEqual([
    '/ops/exceptions/sku-unknown-to-clarus.sku.SKU-1/resolve',
  ]);
  view.unmount();

  mockForwardTo(answer);
  render(false);
  await screen.findByText(/SKU-1 is sold in commercetools/);
  for (const button of screen.getAllByRole('button', { name: 'Resolve' })) expect(button).toBeDisabled();
});
