/**
 * `npm start`: the whole loop on local stand-ins — commercetools emulator, Clarus simulator, the four apps,
 * Pub/Sub delivery — with a short trading day and a report. `--keep` (or SANDBOX_KEEP=1) leaves it running.
 */
import { startMerchantCenterPreview } from './merchant-center';
import { formatReport } from './runner/report';
import { runSandboxDay } from './runner/scenario';

const LOOPBACK = /^https?:\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?(\/|$)/;

/** Values that point at a real project or tenant: the sandbox never seeds demo data there by accident. */
export function realTargets(env: NodeJS.ProcessEnv): string[] {
  return ['CTP_API_URL', 'CTP_AUTH_URL', 'CLARUS_API_URL']
    .filter((key) => env[key] && !LOOPBACK.test(env[key]!))
    .concat(env.CTP_PROJECT_KEY && !env.CTP_API_URL ? ['CTP_PROJECT_KEY (with the region URLs)'] : []);
}

async function main(): Promise<void> {
  const args = new Set(process.argv.slice(2));
  const keep = args.has('--keep') || process.env.SANDBOX_KEEP === '1';
  const real = realTargets(process.env);
  if (real.length && !args.has('--allow-real-project')) {
    process.stderr.write(
      `Refusing to run: ${real.join(', ')} point(s) at a real system, and the sandbox seeds demo products, channels and orders.\n` +
        'Unset them to use the local stand-ins, or pass --allow-real-project if you really mean it.\n',
    );
    process.exitCode = 2;
    return;
  }
  if (real.length) {
    process.stderr.write(
      '--allow-real-project given, but this sandbox only drives its own stand-ins; real values are ignored.\n',
    );
  }
  const { report, stack } = await runSandboxDay({
    keep,
    quiet: !process.env.LOG_LEVEL,
    logLevel: process.env.LOG_LEVEL,
    onProgress: (line) => process.stdout.write(`• ${line}\n`),
  });
  process.stdout.write(`${formatReport(report)}\n`);
  if (!keep) return;
  // The two Merchant Center customizations, served locally against this sandbox (forward-to stand-in).
  const preview = await startMerchantCenterPreview({
    env: stack.env,
    ...(process.env.SANDBOX_PREVIEW_PORT ? { port: Number(process.env.SANDBOX_PREVIEW_PORT) } : {}),
  });
  const dispatched = report.dispatched[0]?.orderNumber;
  process.stdout.write(
    [
      '',
      'Everything keeps running (Ctrl-C to stop):',
      `  order-event-app     POST ${stack.urls.orderEvents}`,
      `  inventory-job       POST ${stack.urls.inventorySync}`,
      `  reconciliation-job  POST ${stack.urls.reconcile}`,
      `  fulfilment-service  ${stack.urls.fulfilment}  (ops token: ${stack.opsToken}, webhook token: ${stack.webhookToken})`,
      `    curl -H "Authorization: Bearer ${stack.opsToken}" ${stack.urls.fulfilment}/ops/health`,
      `  commercetools emulator ${stack.urls.ctApi} (project ${stack.config.commercetools.projectKey})`,
      `  Clarus simulator       ${stack.urls.clarus} (control API under /__control)`,
      `  Merchant Center preview (forward-to stand-in ${preview.url}, its fulfilment-service ${preview.serviceUrl}):`,
      `    Clarus WMS application  ${preview.operationsAppUrl()}`,
      `    order panel             ${preview.orderPanelUrl(dispatched ?? '<order number>')}`,
      '',
    ].join('\n'),
  );
  const stop = () => void Promise.all([preview.close(), stack.close()]).finally(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(
      `sandbox failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exitCode = 1;
  });
}
