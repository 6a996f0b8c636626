import type { AgencyAlgorithm, AgencyPublicJwk } from '@lienthong/trust';
import { AGENCY_ALGORITHMS, TrustError, parseAgencyJwks } from '@lienthong/trust';
import type { CryptoKey, JWK } from 'jose';
import { CompactSign, compactVerify, importJWK } from 'jose';
import type { CliContext } from './cli-context.js';
import { UsageError } from './cli.exception.js';
import { parseJsonFile, readInputFile } from './cli-files.js';
import { isJsonObject } from './json-value.util.js';
import { errorMessage } from './error-message.util.js';

/** An agency's signing key as the CLI uses it. */
export interface AgencySigningKey {
  kid: string;
  alg: AgencyAlgorithm;
  privateKey: CryptoKey;
  /** The public half: what the gateway has registered for the agency. */
  publicJwk: Readonly<AgencyPublicJwk>;
}

/** Members that only a private key has, by key type (RFC 7518 sections 6.2.2 and 6.3.2, RFC 8037). */
const PRIVATE_MEMBERS = {
  EC: ['d'],
  OKP: ['d'],
  RSA: ['d', 'p', 'q', 'dp', 'dq', 'qi'],
} as const;
const SECRET_MEMBERS = new Set(['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k', 'priv']);

/** Reads a private key file: a JWK (or a JWK Set holding exactly one key) with `kid`. */
export async function loadAgencyKeyFile(ctx: CliContext, path: string): Promise<AgencySigningKey> {
  const bytes = await readInputFile(ctx, path, 'key file');
  return parseAgencyPrivateJwk(parseJsonFile(bytes, path, 'key file'), `key file ${path}`);
}

/**
 * Checks a private JWK the way the gateway checks the public half it registered
 * (`parseAgencyJwks`: curve, RSA size, kid, alg that fits the key), refuses a public-only key
 * and a symmetric key, imports it, and proves that its private and public members belong
 * together by signing and verifying a probe. Every refusal is a usage error naming `origin`.
 */
export async function parseAgencyPrivateJwk(value: unknown, origin: string): Promise<AgencySigningKey> {
  const refuse = (why: string): UsageError => new UsageError(`${origin} ${why}`);
  let candidate = value;
  if (isJsonObject(candidate) && Array.isArray(candidate['keys'])) {
    const keys = candidate['keys'] as unknown[];
    if (keys.length !== 1)
      throw refuse(`holds a JWK Set of ${keys.length} keys; name a file with one private key`);
    candidate = keys[0];
  }
  if (!isJsonObject(candidate)) throw refuse('is not a JWK: expected a JSON object with "kty"');
  const jwk = candidate;
  const kty = jwk['kty'];
  if (kty === 'oct' || 'k' in jwk) {
    throw refuse(
      'holds a symmetric key (kty "oct"); Lienthong accepts only asymmetric keys (ES256, EdDSA, PS256, RS256)',
    );
  }
  if (kty !== 'EC' && kty !== 'OKP' && kty !== 'RSA') {
    throw refuse(`has key type ${JSON.stringify(kty)}; use EC (P-256), OKP (Ed25519) or RSA`);
  }
  if (jwk['d'] === undefined) {
    throw refuse(
      'holds a public key only; signing needs the private key (JWK member "d"). The public key is the one registered with the gateway.',
    );
  }
  for (const member of PRIVATE_MEMBERS[kty]) {
    if (typeof jwk[member] !== 'string') throw refuse(`lacks the private member "${member}"`);
  }
  const alg = jwk['alg'];
  if (alg !== undefined && !(AGENCY_ALGORITHMS as readonly unknown[]).includes(alg)) {
    throw refuse(`names alg ${JSON.stringify(alg)}; agency keys sign ${AGENCY_ALGORITHMS.join(', ')}`);
  }
  const ops = jwk['key_ops'];
  if (ops !== undefined && (!Array.isArray(ops) || !ops.includes('sign'))) {
    throw refuse('has key_ops without "sign"');
  }

  // The public half must be a key the gateway would register: the same rules, the same code.
  const publicMembers = Object.fromEntries(
    Object.entries(jwk).filter(([name]) => !SECRET_MEMBERS.has(name) && name !== 'key_ops' && name !== 'ext'),
  );
  let publicJwk: Readonly<AgencyPublicJwk>;
  try {
    publicJwk = parseAgencyJwks({ keys: [publicMembers] })[0]!.jwk;
  } catch (error) {
    if (error instanceof TrustError) throw refuse(describeKeyRefusal(error));
    throw error;
  }

  const keyAlg: AgencyAlgorithm = publicJwk.alg;
  let privateKey: CryptoKey;
  try {
    const privateJwk: JWK = { ...publicMembers, ...pick(jwk, PRIVATE_MEMBERS[kty]), alg: keyAlg };
    delete privateJwk.use;
    const imported = await importJWK(privateJwk, keyAlg);
    if (imported instanceof Uint8Array || imported.type !== 'private') throw new Error('not a private key');
    privateKey = imported;
  } catch (error) {
    throw refuse(`does not hold a usable ${keyAlg} private key (${errorMessage(error)})`);
  }
  await assertKeyPair(privateKey, publicJwk, refuse);
  return { kid: publicJwk.kid, alg: keyAlg, privateKey, publicJwk };
}

/**
 * Signs a probe with the private key and verifies it with the public members: a file whose `x`
 * (or `n`) belongs to another key would otherwise only fail at the gateway, as invalid_client.
 */
async function assertKeyPair(
  privateKey: CryptoKey,
  publicJwk: Readonly<AgencyPublicJwk>,
  refuse: (why: string) => UsageError,
): Promise<void> {
  try {
    const probe = await new CompactSign(new TextEncoder().encode('lienthong key check'))
      .setProtectedHeader({ alg: publicJwk.alg })
      .sign(privateKey);
    await compactVerify(probe, await importJWK({ ...publicJwk }, publicJwk.alg), {
      algorithms: [publicJwk.alg],
    });
  } catch {
    throw refuse('has private and public members that do not belong to the same key');
  }
}

function describeKeyRefusal(error: TrustError): string {
  const detail = error.options.detail ?? error.message;
  const first = error.options.errors?.[0];
  if (!first) return `is refused: ${detail}`;
  const member = first.pointer.replace(/^\/keys\/0/, '') || '/';
  return `is refused: ${detail} (${member}: ${first.message})`;
}

function pick(source: Record<string, unknown>, names: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(names.map((name) => [name, source[name]]));
}
