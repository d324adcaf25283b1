import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { envSchema, loadConfig, secretValues, type Env } from '@clarus-connector/core';
import { requiredConfigKeys as fulfilmentRequired } from '../fulfilment-service/src/app';
import { requiredConfigKeys as inventoryRequired } from '../inventory-job/src/app';
import { requiredConfigKeys as orderEventRequired } from '../order-event-app/src/app';
import { requiredConfigKeys as reconciliationRequired } from '../reconciliation-job/src/app';

const root = join(__dirname, '..');
const connectYamlPath = join(root, 'connect.yaml');

interface ConfigEntry {
  key: string;
  description: string;
  required?: boolean;
  default?: string;
}
interface DeployedApp {
  name: string;
  applicationType: string;
  endpoint?: string;
  scripts?: { postDeploy?: string; preUndeploy?: string };
  properties?: { schedule: string };
  retryPolicy?: Record<string, unknown>;
  configuration?: { standardConfiguration?: ConfigEntry[]; securedConfiguration?: ConfigEntry[] };
}

const spec = parse(readFileSync(connectYamlPath, 'utf8')) as {
  inheritAs?: { configuration?: DeployedApp['configuration'] };
  deployAs: DeployedApp[];
};
const apps = spec.deployAs;
// Every app inherits the shared configuration (declared once, entered once in Merchant Center).
const shared = spec.inheritAs?.configuration;
const standard = (app: DeployedApp) => [
  ...(shared?.standardConfiguration ?? []),
  ...(app.configuration?.standardConfiguration ?? []),
];
const secured = (app: DeployedApp) => [
  ...(shared?.securedConfiguration ?? []),
  ...(app.configuration?.securedConfiguration ?? []),
];
const entries = (app: DeployedApp) => [...standard(app), ...secured(app)];

/** The Merchant Center customizations: Connect builds and hosts them; they declare the keys it requires of them. */
const MC_APP_TYPES = ['merchant-center-custom-view', 'merchant-center-custom-application'];
const isMcApp = (app: DeployedApp) => MC_APP_TYPES.includes(app.applicationType);
const mcAppRequired: Record<string, string[]> = {
  'order-panel': ['APPLICATION_URL', 'CLOUD_IDENTIFIER', 'CUSTOM_VIEW_ID'],
  'operations-app': ['APPLICATION_URL', 'CLOUD_IDENTIFIER', 'CUSTOM_APPLICATION_ID', 'ENTRY_POINT_URI_PATH'],
};

const appRequired: Record<string, (keyof Env)[]> = {
  'order-event-app': orderEventRequired,
  'inventory-job': inventoryRequired,
  'reconciliation-job': reconciliationRequired,
  'fulfilment-service': fulfilmentRequired,
};

type SchemaKey = keyof typeof envSchema.shape;
const schemaKeys = Object.keys(envSchema.shape) as SchemaKey[];
// Connect sets these itself (PORT is even a reserved word in connect.yaml).
const providedByConnect = (key: string) => key === 'PORT' || key.startsWith('CONNECT_');
const declarableKeys = schemaKeys.filter((key) => !providedByConnect(key));
const schemaRequires = (key: SchemaKey) => !envSchema.shape[key].safeParse(undefined).success;
const schemaDefault = (key: SchemaKey): unknown => envSchema.shape[key].safeParse(undefined).data;

/** The keys whose values the logger redacts, found by giving every key a distinct value. */
function secretKeys(): string[] {
  const env: Record<string, string> = {
    CTP_PROJECT_KEY: 'project',
    CTP_CLIENT_ID: 'ctp-client',
    CLARUS_SUBDOMAIN: 'tenant',
    CLARUS_CLIENT_ID: 'clarus-client',
    CLARUS_ACCOUNT_ID: '1',
    CTP_CLIENT_SECRET: 'value-of-CTP_CLIENT_SECRET',
    CLARUS_CLIENT_SECRET: 'value-of-CLARUS_CLIENT_SECRET',
    CLARUS_WEBHOOK_TOKEN: 'value-of-CLARUS_WEBHOOK_TOKEN',
    OPS_API_TOKEN: 'value-of-OPS_API_TOKEN',
    ALERT_WEBHOOK_URL: 'https://alerts.example.com/value-of-ALERT_WEBHOOK_URL',
    SKU_GUARD_SECRET: 'value-of-SKU_GUARD_SECRET',
  };
  const config = loadConfig(env);
  return secretValues(config).map((value) => Object.keys(env).find((key) => env[key] === value) ?? value);
}

function validate(file: string) {
  return spawnSync(process.execPath, [join(root, 'scripts/validate-connect-yaml.mjs'), file], {
    cwd: root,
    encoding: 'utf8',
  });
}

describe('connect.yaml', () => {
  it('passes the Connect specification schema (@commercetools-connect/specification)', () => {
    const result = validate(connectYamlPath);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('is checked for real: the validator rejects a declared PORT (a reserved word) and a bad retry policy', () => {
    const dir = mkdtempSync(join(tmpdir(), 'connect-yaml-'));
    try {
      const broken = readFileSync(connectYamlPath, 'utf8')
        .replace('- key: LOG_LEVEL', '- key: PORT')
        .replace('minBackoffSeconds: 10', 'minBackoffSeconds: 900');
      writeFileSync(join(dir, 'connect.yaml'), broken);
      const result = validate(join(dir, 'connect.yaml'));
      expect(result.status).toBe(1);
      expect(result.stderr).toMatch(/Key "PORT" is a reserved word/);
      expect(result.stderr).toMatch(/retryPolicy/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is checked for the customizations too: a custom view without CUSTOM_VIEW_ID is refused', () => {
    const dir = mkdtempSync(join(tmpdir(), 'connect-yaml-'));
    try {
      writeFileSync(
        join(dir, 'connect.yaml'),
        readFileSync(connectYamlPath, 'utf8').replace('- key: CUSTOM_VIEW_ID', '- key: CUSTOM_VIEW_ID_X'),
      );
      const result = validate(join(dir, 'connect.yaml'));
      expect(result.status).toBe(1);
      expect(result.stderr).toMatch(/custom view must have CUSTOM_VIEW_ID/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('deploys the four apps and the two Merchant Center customizations, each from its own folder', () => {
    const summary = apps.map((app) => [
      app.name,
      app.applicationType,
      app.endpoint,
      app.properties?.schedule,
    ]);
    expect(summary).toEqual([
      ['order-event-app', 'event', '/order-events', undefined],
      ['inventory-job', 'job', '/inventory-sync', '*/5 * * * *'],
      ['reconciliation-job', 'job', '/reconcile', '*/15 * * * *'],
      ['fulfilment-service', 'service', '/clarus', undefined],
      ['order-panel', 'merchant-center-custom-view', undefined, undefined],
      ['operations-app', 'merchant-center-custom-application', undefined, undefined],
    ]);
    for (const app of apps)
      expect({ app: app.name, folder: existsSync(join(root, app.name, 'package.json')) }).toEqual({
        app: app.name,
        folder: true,
      });
    const eventApp = apps[0];
    expect(eventApp?.retryPolicy).toMatchObject({ strategy: 'exponential-backoff' });
  });

  it('runs only npm scripts that exist in the app package', () => {
    for (const app of apps) {
      const pkg = JSON.parse(readFileSync(join(root, app.name, 'package.json'), 'utf8')) as {
        scripts: Record<string, string>;
      };
      for (const command of Object.values(app.scripts ?? {})) {
        for (const [, script] of command.matchAll(/npm run ([\w:-]+)/g)) {
          expect({ app: app.name, script, exists: script !== undefined && script in pkg.scripts }).toEqual({
            app: app.name,
            script,
            exists: true,
          });
        }
      }
    }
  });

  it('declares every key of the config schema (except PORT and CONNECT_*), and no key the schema lacks', () => {
    const declared = new Set(apps.flatMap((app) => entries(app).map((e) => e.key)));
    expect(declared.has('PORT')).toBe(false);
    expect([...declared].filter((key) => providedByConnect(key))).toEqual([]);
    expect(declarableKeys.filter((key) => !declared.has(key))).toEqual([]);
    expect([...declared].filter((key) => !(key in envSchema.shape))).toEqual([]);
  });

  it('keeps every secret under securedConfiguration, and only secrets there', () => {
    const secrets = secretKeys().sort();
    expect(secrets).toEqual(
      [
        'ALERT_WEBHOOK_URL',
        'CLARUS_CLIENT_SECRET',
        'CLARUS_WEBHOOK_TOKEN',
        'CTP_CLIENT_SECRET',
        'OPS_API_TOKEN',
        'SKU_GUARD_SECRET',
      ].sort(),
    );
    for (const app of apps) {
      expect({ app: app.name, inStandard: standard(app).filter((e) => secrets.includes(e.key)) }).toEqual({
        app: app.name,
        inStandard: [],
      });
      expect({ app: app.name, notSecret: secured(app).filter((e) => !secrets.includes(e.key)) }).toEqual({
        app: app.name,
        notSecret: [],
      });
    }
  });

  it('marks as required exactly the keys the schema or one of the apps requires, and shares them with every app', () => {
    const mustHave = [
      ...new Set([...declarableKeys.filter(schemaRequires), ...Object.values(appRequired).flat()]),
    ].sort();
    for (const app of apps) {
      const declaredRequired = entries(app)
        .filter((e) => e.required)
        .map((e) => e.key)
        .sort();
      const expected = [...mustHave, ...(mcAppRequired[app.name] ?? [])].sort();
      expect({ app: app.name, required: declaredRequired }).toEqual({ app: app.name, required: expected });
    }
  });

  it('declares the configuration once, shared by all apps, so they cannot disagree on SKU rules or mappings', () => {
    expect(shared?.standardConfiguration?.length).toBeGreaterThan(0);
    // Only the customizations carry keys of their own: the ones Connect requires per customization.
    expect(apps.filter((app) => app.configuration !== undefined).map((app) => app.name)).toEqual(
      apps.filter(isMcApp).map((app) => app.name),
    );
    for (const app of apps.filter(isMcApp)) {
      expect({
        app: app.name,
        own: (app.configuration?.standardConfiguration ?? []).map((e) => e.key).sort(),
      }).toEqual({
        app: app.name,
        own: mcAppRequired[app.name],
      });
    }
  });

  it('states the same defaults as the schema, so Merchant Center shows what the app would use anyway', () => {
    for (const app of apps) {
      for (const entry of standard(app)) {
        const key = entry.key as SchemaKey;
        const fallback = schemaDefault(key);
        const hasDefault = fallback !== undefined && !(Array.isArray(fallback) && fallback.length === 0);
        if (entry.default === undefined) {
          expect({ app: app.name, key, missingDefault: hasDefault }).toEqual({
            app: app.name,
            key,
            missingDefault: false,
          });
        } else {
          expect({ app: app.name, key, value: envSchema.shape[key].parse(entry.default) }).toEqual({
            app: app.name,
            key,
            value: fallback,
          });
        }
      }
    }
  });

  it('describes a key the same way wherever it is declared, and says what its default is', () => {
    const byKey = new Map<string, ConfigEntry>();
    for (const app of apps) {
      for (const entry of entries(app)) {
        const first = byKey.get(entry.key) ?? entry;
        byKey.set(entry.key, first);
        expect({ key: entry.key, description: entry.description, default: entry.default }).toEqual({
          key: first.key,
          description: first.description,
          default: first.default,
        });
        if (entry.default !== undefined) expect(entry.description).toContain(`Default: ${entry.default}`);
      }
    }
  });
});
