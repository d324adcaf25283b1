/*
 * Who may use the operations API, decided from what a caller proved (pure; the adapters that verify tokens
 * live in runtime/ops-auth.ts). Three kinds of caller:
 * - a machine with OPS_API_TOKEN: everything;
 * - a Merchant Center user, through the forward-to proxy: view or manage, from the JWT's permission claim;
 * - a merchant's own tooling with a commercetools API client token (introspected): everything, when the
 *   token holds the configured scope for this project.
 */

/** `view`: read routes. `manage`: resend and resolve (which also allows reading). */
export type OpsAccess = 'view' | 'manage';

/**
 * The entry point of the "Clarus WMS" custom application (connect.yaml ENTRY_POINT_URI_PATH). Merchant Center
 * names a custom application's permissions after it: `clarus-wms` → `viewClarusWms` / `manageClarusWms`
 * (application-kit `entryPointUriPathToResourceAccesses`).
 */
export const OPS_APP_ENTRY_POINT_URI_PATH = 'clarus-wms';

/**
 * Permission names in the Merchant Center JWT claim `<issuer>/claims/user_permissions` that grant each access.
 * The custom application's pair comes from its entry point; a custom view's pair has no prefix
 * (`view`/`manage`, application-kit `computeCustomViewResourceAccesses`). ASSUMPTION (ADR 0013): the claim
 * carries these resource-access names for the customization that made the forward-to call.
 */
export const MC_PERMISSIONS: Readonly<Record<OpsAccess, readonly string[]>> = {
  view: ['viewClarusWms', 'manageClarusWms', 'view', 'manage'],
  manage: ['manageClarusWms', 'manage'],
};

/** True when `granted` (the JWT's permission claim) allows `needed`. */
export function mcPermissionAllows(granted: readonly string[] | undefined, needed: OpsAccess): boolean {
  return (granted ?? []).some((name) => MC_PERMISSIONS[needed].includes(name));
}

/**
 * The Merchant Center API URL of a commercetools region (`europe-west1.gcp` →
 * `https://mc-api.europe-west1.gcp.commercetools.com`); it is the issuer of forward-to JWTs and serves
 * their JWKS at `/.well-known/jwks.json` (docs.commercetools.com, Merchant Center API hostnames).
 */
export function merchantCenterApiUrlForRegion(region: string): string {
  return `https://mc-api.${region}.commercetools.com`;
}

/**
 * Whether an introspected commercetools token's `scope` (space-separated `name:projectKey` entries) holds
 * `scope` for this project. The project key must match: a token of another project with the same scope name
 * is refused (connect-payments-sdk drops the project key from the scopes it reports, see ADR 0013).
 */
export function scopeGrants(tokenScope: string | undefined, scope: string, projectKey: string): boolean {
  return (tokenScope ?? '').split(/\s+/).includes(`${scope}:${projectKey}`);
}

/** Which access a route needs: GET/HEAD read, anything else changes something. */
export function accessNeededFor(method: string): OpsAccess {
  return method === 'GET' || method === 'HEAD' ? 'view' : 'manage';
}
