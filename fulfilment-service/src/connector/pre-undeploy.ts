// Connect's preUndeploy script of the fulfilment-service (connect.yaml): `npm run connector:pre-undeploy`.
import { preUndeploy } from './lifecycle';

preUndeploy(process.env).catch((err: unknown) => {
  process.stderr.write(`pre-undeploy failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
