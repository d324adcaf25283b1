import {
  createPublicKey,
  generateKeyPairSync,
  randomUUID,
  sign,
  type JsonWebKey,
  type KeyObject,
} from 'node:crypto';

/*
 * RS256 JSON Web Tokens with node:crypto, for the Merchant Center stand-in and the auth tests: a key pair,
 * its public JWKS, and signing. Test harness and sandbox only.
 */

export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  /** The public key as a JWK with `kid`, `alg: RS256`, `use: sig` (what a JWKS endpoint serves). */
  jwk: JsonWebKey & { kid: string; alg: 'RS256'; use: 'sig' };
}

export function generateSigningKey(): SigningKey {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = randomUUID();
  const jwk = {
    ...createPublicKey(privateKey).export({ format: 'jwk' }),
    kid,
    alg: 'RS256' as const,
    use: 'sig' as const,
  };
  return { kid, privateKey, jwk };
}

const b64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

/** A compact RS256 JWT of `payload`, header `{alg: RS256, typ: JWT, kid}`. */
export function signJwt(payload: Record<string, unknown>, key: SigningKey): string {
  const header = b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: key.kid }));
  const body = b64url(JSON.stringify(payload));
  const signature = sign('sha256', Buffer.from(`${header}.${body}`), key.privateKey);
  return `${header}.${body}.${b64url(signature)}`;
}

export interface McTokenClaims {
  issuer: string;
  audience: string;
  projectKey: string;
  /** Resource-access names, e.g. viewClarusWms; omitted from the token when undefined. */
  permissions?: string[];
  subject?: string;
  /** Seconds from now; negative for an expired token. Default 60. */
  expiresIn?: number;
}

/** A token shaped like a Merchant Center forward-to exchange token (public claims under `<iss>/claims/`). */
export function mcToken(claims: McTokenClaims, key: SigningKey): string {
  const now = Math.floor(Date.now() / 1000);
  return signJwt(
    {
      iss: claims.issuer,
      sub: claims.subject ?? 'mc-user-1',
      aud: claims.audience,
      iat: now - 5,
      exp: now + (claims.expiresIn ?? 60),
      [`${claims.issuer}/claims/project_key`]: claims.projectKey,
      ...(claims.permissions ? { [`${claims.issuer}/claims/user_permissions`]: claims.permissions } : {}),
    },
    key,
  );
}
