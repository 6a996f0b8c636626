import { randomInt } from 'node:crypto';
import { requestAccessToken } from '@lienthong/trust';
import type { CryptoKey, JWK } from 'jose';
import { exportJWK, generateKeyPair } from 'jose';

/** An agency the test controls: its key pair and, once fetched, an access token. */
export interface TestAgency {
  id: string;
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
  token: string;
  /** `{ authorization: 'Bearer …' }` for fetch. */
  auth(): Record<string, string>;
}

/** A fresh ES256 key pair with a kid, as an agency would make one. */
export async function agencyKeyPair(
  kid = `k${randomInt(1e9)}`,
): Promise<{ kid: string; privateKey: CryptoKey; publicJwk: JWK }> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' };
  return { kid, privateKey, publicJwk };
}

/** A random, well-formed Decision 20/2020 agency code that no other test uses. */
export function randomAgencyId(prefix = 'T'): string {
  return `${randomInt(100, 999)}.${randomInt(10, 99)}.${randomInt(10, 99)}.${prefix}${randomInt(10, 99)}`;
}

/** OAuth client credentials with a private_key_jwt assertion; returns the access token. */
export async function fetchToken(
  gatewayUrl: string,
  issuer: string,
  agency: { id: string; kid: string; privateKey: CryptoKey },
): Promise<string> {
  const token = await requestAccessToken(`${gatewayUrl}/oauth/token`, {
    agencyId: agency.id,
    audience: issuer,
    privateKey: agency.privateKey,
    kid: agency.kid,
    alg: 'ES256',
  });
  return token.access_token;
}

export function asTestAgency(
  id: string,
  keys: { kid: string; privateKey: CryptoKey; publicJwk: JWK },
  token: string,
): TestAgency {
  return { id, ...keys, token, auth: () => ({ authorization: `Bearer ${token}` }) };
}
