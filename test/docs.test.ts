import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

const root = path.resolve(__dirname, '..');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');

interface ConfigEntry {
  key: string;
}
interface App {
  name: string;
  configuration?: { standardConfiguration?: ConfigEntry[]; securedConfiguration?: ConfigEntry[] };
}

/** Every key connect.yaml declares is documented, and the reference documents no key that does not exist. */
describe('docs/configuration.md', () => {
  const spec = parse(read('connect.yaml')) as { inheritAs?: Pick<App, 'configuration'>; deployAs: App[] };
  const declared = new Set(
    [spec.inheritAs ?? {}, ...spec.deployAs].flatMap((app) =>
      [
        ...(app.configuration?.standardConfiguration ?? []),
        ...(app.configuration?.securedConfiguration ?? []),
      ].map((e) => e.key),
    ),
  );
  const doc = read('docs/configuration.md');
  // Table rows start with the key in backticks.
  const documented = new Set([...doc.matchAll(/^\| `([A-Z0-9_]+)`/gm)].map((m) => m[1]!));

  it('documents every key of connect.yaml', () => {
    expect([...declared].filter((k) => !documented.has(k))).toEqual([]);
  });

  it('documents no key that connect.yaml does not declare', () => {
    expect([...documented].filter((k) => !declared.has(k))).toEqual([]);
  });
});

describe('README and docs', () => {
  it('link to files that exist', () => {
    for (const file of ['README.md', 'docs/configuration.md', 'docs/mapping.md', 'docs/runbook.md']) {
      const text = read(file);
      for (const [, target] of text.matchAll(/\]\((?!https?:|#)([^)#\s]+)/g)) {
        const resolved = path.join(path.dirname(path.join(root, file)), target!);
        expect({ file, target, exists: existsSync(resolved) }).toEqual({
          file,
          target,
          exists: true,
        });
      }
    }
  });

  it('name only npm scripts that exist', () => {
    const scripts = Object.keys(
      (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts,
    );
    for (const file of ['README.md', 'docs/runbook.md']) {
      for (const [, name] of read(file).matchAll(/npm run ([a-z:-]+)/g))
        expect({ file, script: name, exists: scripts.includes(name!) }).toEqual({
          file,
          script: name,
          exists: true,
        });
    }
  });
});

describe('docs/runbook.md', () => {
  it('explains every exception kind the connector raises', async () => {
    const { EXCEPTION_KIND_NAMES } = await import('@clarus-connector/core');
    const runbook = read('docs/runbook.md');
    expect(EXCEPTION_KIND_NAMES.filter((kind) => !runbook.includes(`| \`${kind}\` |`))).toEqual([]);
  });
});
