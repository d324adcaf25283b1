// Validates connect.yaml (or the file given as the first argument) with the schema the Connect CLI's
// `connect validate` uses, offline and without Docker. Exits 1 and prints every problem when it is invalid.
// An ES module because @commercetools-connect/specification is ESM-only (jest cannot load it directly).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConnectorSpecificationParser } from '@commercetools-connect/specification';

const file = resolve(process.argv[2] ?? 'connect.yaml');
try {
  const spec = await new ConnectorSpecificationParser().parse(readFileSync(file, 'utf8'));
  const apps = spec.deployAs.map((app) => `${app.name} (${app.applicationType})`).join(', ');
  process.stdout.write(`${file} is valid: ${apps}\n`);
} catch (err) {
  process.stderr.write(`${file} is invalid:\n${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
