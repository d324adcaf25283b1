// Connect's postDeploy script (connect.yaml): `npm run connector:post-deploy`. A non-zero exit fails the deploy.
import { redactString } from '@clarus-connector/core';
import { postDeploy } from './lifecycle';

postDeploy(process.env).catch((err: unknown) => {
  // An API error about the destination may quote the Service Bus connection string (it holds a key).
  const secrets = [process.env.CONNECT_AZURE_CONNECTION_STRING, process.env.CTP_CLIENT_SECRET].filter(
    (s): s is string => !!s && s.length >= 4,
  );
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`post-deploy failed: ${redactString(message, secrets)}\n`);
  process.exitCode = 1;
});
