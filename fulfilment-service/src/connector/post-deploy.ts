// Connect's postDeploy script of the fulfilment-service (connect.yaml): `npm run connector:post-deploy`.
// A non-zero exit fails the deploy.
import { redactString } from '@clarus-connector/core';
import { postDeploy } from './lifecycle';

postDeploy(process.env).catch((err: unknown) => {
  // An API error about the destination may quote the Extension's Authorization header.
  const secrets = [process.env.SKU_GUARD_SECRET, process.env.CTP_CLIENT_SECRET].filter(
    (s): s is string => !!s && s.length >= 4,
  );
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`post-deploy failed: ${redactString(message, secrets)}\n`);
  process.exitCode = 1;
});
