// Test-only helpers for the trust specs. Tokens are crafted with node:crypto rather than jose,
// so the specs can build exactly the malformed or hostile inputs they need, and so what jose
// verifies was produced by an independent implementation.
import type { JsonWebKey, KeyObject } from 'node:crypto';
import { constants, generateKeyPairSync, sign } from 'node:crypto';
import type { AgencyKey } from './agency-jwks.js';
import { parseAgencyJwks } from './agency-jwks.js';
import type { AgencyAlgorithm } from './compact-jws.util.js';
import { TrustError } from './trust-error.js';

export const ISSUER = 'https://gateway.lienthong.test';
export const AUDIENCE = 'https://gateway.lienthong.test/v1';
/** Ministry of Public Security and Ministry of Health style codes (Decision 20/2020). */
export const AGENCY_A = '000.00.00.G12';
export const AGENCY_B = '000.00.00.H31';
/** 2026-01-15T08:00:00Z, a fixed start for every clock. */
export const T0 = Date.UTC(2026, 0, 15, 8, 0, 0);

/** A clock a test moves by hand. */
export class TestClock {
  constructor(public ms: number = T0) {}
  readonly now = (): number => this.ms;
  get seconds(): number {
    return Math.floor(this.ms / 1000);
  }
  advance(seconds: number): void {
    this.ms += seconds * 1000;
  }
}

export interface TestKey {
  kid: string;
  alg: AgencyAlgorithm;
  privateKey: KeyObject;
  publicJwk: JsonWebKey;
  agencyKey: AgencyKey;
}

/** A fresh agency key pair, registered through `parseAgencyJwks` as the gateway would. */
export function makeAgencyKey(alg: AgencyAlgorithm, kid: string): TestKey {
  const pair =
    alg === 'ES256'
      ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
      : alg === 'EdDSA'
        ? generateKeyPairSync('ed25519')
        : generateKeyPairSync('rsa', { modulusLength: 2048 });
  const publicJwk = { ...pair.publicKey.export({ format: 'jwk' }), kid, alg };
  const [agencyKey] = parseAgencyJwks({ keys: [publicJwk] });
  return { kid, alg, privateKey: pair.privateKey, publicJwk, agencyKey: agencyKey! };
}

export function b64url(input: string | Uint8Array): string {
  return Buffer.from(input).toString('base64url');
}

/** Signs `header.payload` the way RFC 7518 section 3 specifies for each algorithm. */
export function rawSignature(alg: AgencyAlgorithm, signingInput: string, key: KeyObject): Buffer {
  const data = Buffer.from(signingInput, 'ascii');
  switch (alg) {
    case 'ES256':
      return sign('sha256', data, { key, dsaEncoding: 'ieee-p1363' });
    case 'EdDSA':
      return sign(null, data, key);
    case 'RS256':
      return sign('sha256', data, key);
    case 'PS256':
      return sign('sha256', data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 });
  }
}

/** A compact JWS with any header and claims, signed by `key` with `signAs` (default: header alg). */
export function signCompact(
  header: Record<string, unknown>,
  claims: Record<string, unknown> | string,
  key: KeyObject,
  signAs: AgencyAlgorithm = header.alg as AgencyAlgorithm,
): string {
  const payload = typeof claims === 'string' ? claims : JSON.stringify(claims);
  const signingInput = `${b64url(JSON.stringify(header))}.${b64url(payload)}`;
  return `${signingInput}.${b64url(rawSignature(signAs, signingInput, key))}`;
}

/** The same token with one bit of one signature byte flipped. */
export function flipSignatureByte(token: string, index = 5): string {
  const parts = token.split('.');
  const signature = Buffer.from(parts[2]!, 'base64url');
  signature[index] = signature[index]! ^ 0x01;
  parts[2] = signature.toString('base64url');
  return parts.join('.');
}

/** The trust failure a promise ends with, or a description of what happened instead. */
export async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'accepted';
  } catch (error) {
    return error instanceof TrustError ? error.reason : `not a TrustError: ${String(error)}`;
  }
}

/** Like `refusal`, for synchronous code. */
export function refusalOf(fn: () => unknown): string {
  try {
    fn();
    return 'accepted';
  } catch (error) {
    return error instanceof TrustError ? error.reason : `not a TrustError: ${String(error)}`;
  }
}

/** The error a promise rejects with, as a TrustError. */
export async function trustError(promise: Promise<unknown>): Promise<TrustError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TrustError) return error;
    throw error;
  }
  throw new Error('expected a TrustError, the call succeeded');
}
