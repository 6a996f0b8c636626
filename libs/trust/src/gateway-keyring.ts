import type { CryptoKey, JWK } from 'jose';
import {
  CompactSign,
  calculateJwkThumbprint,
  compactVerify,
  exportJWK,
  generateKeyPair,
  importJWK,
} from 'jose';
import type { GatewayAlgorithm } from './compact-jws.util.js';
import { KID_PATTERN, isPlainObject } from './compact-jws.util.js';

/** A gateway public key as published in `/.well-known/jwks.json`. */
export type GatewayPublicJwk =
  | { kty: 'EC'; crv: 'P-256'; x: string; y: string; kid: string; alg: 'ES256'; use: 'sig' }
  | { kty: 'OKP'; crv: 'Ed25519'; x: string; kid: string; alg: 'EdDSA'; use: 'sig' };

export interface GatewayJwks {
  keys: GatewayPublicJwk[];
}

export interface GatewayKeyInfo {
  kid: string;
  alg: GatewayAlgorithm;
  /** Epoch milliseconds. */
  createdAt: number;
  /**
   * Epoch milliseconds after which the key leaves the JWKS. Undefined for the signing key: a
   * key's window starts when a newer key replaces it.
   */
  retireAfter: number | undefined;
}

/** A public key selected by `kid`, with the one algorithm it verifies. */
export interface VerificationKey {
  kid: string;
  alg: GatewayAlgorithm;
  key: CryptoKey;
}

/** Where a verifier finds the gateway's public keys: the keyring itself, or a fetched JWKS. */
export interface VerificationKeySource {
  verificationKey(kid: string): VerificationKey | undefined | Promise<VerificationKey | undefined>;
}

export interface GatewayKeyringOptions {
  /** Epoch milliseconds; `Date.now` by default. */
  now?: () => number;
  /** Algorithm of generated keys. ES256 by default; EdDSA for webhook signatures. */
  alg?: GatewayAlgorithm;
  /** Longest access token lifetime. Default 600. */
  maxTokenLifetimeSeconds?: number;
  /** How long a receipt must stay verifiable against the published JWKS. Default 30 days. */
  receiptRetentionSeconds?: number;
}

interface KeyEntry extends GatewayKeyInfo {
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  publicJwk: GatewayPublicJwk;
}

const DEFAULT_RECEIPT_RETENTION_SECONDS = 30 * 24 * 3600;

/**
 * The gateway's own signing keys. The newest key signs; every key a token or receipt may still
 * name stays published until its window (longest token lifetime + receipt retention, counted
 * from the moment it stopped signing) has passed. Private keys never leave the process except
 * through `exportPrivateJwks`, meant for writing the key file.
 */
export class GatewayKeyring implements VerificationKeySource {
  private entries: KeyEntry[];
  private readonly now: () => number;
  private readonly alg: GatewayAlgorithm;
  /** Seconds a replaced key stays published. */
  readonly verificationWindowSeconds: number;

  private constructor(entries: KeyEntry[], options: GatewayKeyringOptions) {
    this.entries = entries;
    this.now = options.now ?? Date.now;
    this.alg = options.alg ?? 'ES256';
    const tokens = options.maxTokenLifetimeSeconds ?? 600;
    const receipts = options.receiptRetentionSeconds ?? DEFAULT_RECEIPT_RETENTION_SECONDS;
    if (!Number.isInteger(tokens) || tokens <= 0 || !Number.isInteger(receipts) || receipts < 0) {
      throw new RangeError(
        'maxTokenLifetimeSeconds must be a positive integer and receiptRetentionSeconds a whole number',
      );
    }
    this.verificationWindowSeconds = tokens + receipts;
  }

  /** A keyring with one freshly generated key (in-process; for development and tests). */
  static async generate(options: GatewayKeyringOptions = {}): Promise<GatewayKeyring> {
    const now = (options.now ?? Date.now)();
    const entry = await generateEntry(options.alg ?? 'ES256', now);
    return new GatewayKeyring([entry], options);
  }

  /**
   * Loads the gateway's private keys from a JWK Set (a key file or an environment variable).
   * The first key signs; the others are earlier keys, kept published for a full window from
   * load time since the file does not say when they stopped signing.
   */
  static async fromPrivateJwks(json: unknown, options: GatewayKeyringOptions = {}): Promise<GatewayKeyring> {
    let jwks: unknown = json;
    if (typeof json === 'string') {
      try {
        jwks = JSON.parse(json);
      } catch {
        throw new Error('Gateway key set: not JSON. Expected {"keys":[<private JWK>, ...]}.');
      }
    }
    if (!isPlainObject(jwks) || !Array.isArray(jwks.keys) || jwks.keys.length === 0) {
      throw new Error('Gateway key set: expected {"keys":[<private JWK>, ...]} with at least one key.');
    }
    const now = (options.now ?? Date.now)();
    const keyring = new GatewayKeyring([], options);
    const keys: unknown[] = jwks.keys;
    const entries: KeyEntry[] = [];
    for (const [index, jwk] of keys.entries()) {
      const entry = await loadEntry(jwk, index, now);
      if (entries.some((e) => e.kid === entry.kid))
        throw new Error(`Gateway key set: keys[${index}] repeats kid "${entry.kid}".`);
      if (index > 0) entry.retireAfter = now + keyring.verificationWindowSeconds * 1000;
      entries.push(entry);
    }
    keyring.entries = entries;
    return keyring;
  }

  /** Generates a new signing key; the previous one stops signing and starts its window now. */
  async rotate(alg: GatewayAlgorithm = this.alg): Promise<GatewayKeyInfo> {
    const now = this.now();
    const entry = await generateEntry(alg, now);
    for (const existing of this.entries) {
      existing.retireAfter ??= now + this.verificationWindowSeconds * 1000;
    }
    this.entries.unshift(entry);
    this.prune(now);
    return info(entry);
  }

  /** The key that signs now. */
  activeKey(): GatewayKeyInfo {
    return info(this.active());
  }

  /** Every key still within its window, newest first. */
  keys(): GatewayKeyInfo[] {
    this.prune(this.now());
    return this.entries.map(info);
  }

  /** The JWK Set for `/.well-known/jwks.json` (RFC 7517 section 5), newest key first. */
  publicJwks(): GatewayJwks {
    this.prune(this.now());
    return { keys: this.entries.map((entry) => ({ ...entry.publicJwk })) };
  }

  verificationKey(kid: string): VerificationKey | undefined {
    this.prune(this.now());
    const entry = this.entries.find((e) => e.kid === kid);
    return entry ? { kid: entry.kid, alg: entry.alg, key: entry.publicKey } : undefined;
  }

  /** The private key that signs now, with its kid and algorithm. */
  signingKey(): { kid: string; alg: GatewayAlgorithm; key: CryptoKey } {
    const entry = this.active();
    return { kid: entry.kid, alg: entry.alg, key: entry.privateKey };
  }

  /** The private JWK Set, newest first, in the shape `fromPrivateJwks` reads. Handle as a secret. */
  async exportPrivateJwks(): Promise<{ keys: JWK[] }> {
    this.prune(this.now());
    const keys = await Promise.all(
      this.entries.map(async (entry) => ({
        ...(await exportJWK(entry.privateKey)),
        kid: entry.kid,
        alg: entry.alg,
        use: 'sig',
      })),
    );
    return { keys };
  }

  private active(): KeyEntry {
    const entry = this.entries[0];
    if (!entry) throw new Error('Gateway keyring holds no key.');
    return entry;
  }

  /** Drops keys whose window has passed; the signing key always stays. */
  private prune(now: number): void {
    this.entries = this.entries.filter(
      (entry, index) => index === 0 || entry.retireAfter === undefined || entry.retireAfter > now,
    );
  }
}

function info(entry: KeyEntry): GatewayKeyInfo {
  return { kid: entry.kid, alg: entry.alg, createdAt: entry.createdAt, retireAfter: entry.retireAfter };
}

async function generateEntry(alg: GatewayAlgorithm, now: number): Promise<KeyEntry> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const publicJwk = await toPublicJwk(await exportJWK(publicKey), alg);
  return {
    kid: publicJwk.kid,
    alg,
    createdAt: now,
    retireAfter: undefined,
    privateKey,
    publicKey,
    publicJwk,
  };
}

async function loadEntry(jwk: unknown, index: number, now: number): Promise<KeyEntry> {
  const where = `Gateway key set: keys[${index}]`;
  if (!isPlainObject(jwk) || typeof jwk.d !== 'string') throw new Error(`${where} is not a private JWK.`);
  const alg =
    jwk.kty === 'EC' && jwk.crv === 'P-256'
      ? 'ES256'
      : jwk.kty === 'OKP' && jwk.crv === 'Ed25519'
        ? 'EdDSA'
        : undefined;
  if (!alg)
    throw new Error(`${where}: only EC P-256 (ES256) and OKP Ed25519 (EdDSA) keys can sign for the gateway.`);
  if (jwk.alg !== undefined && jwk.alg !== alg)
    throw new Error(`${where}: its alg does not fit the key; expected ${alg}.`);
  if (jwk.kid !== undefined && (typeof jwk.kid !== 'string' || !KID_PATTERN.test(jwk.kid))) {
    throw new Error(`${where}: kid must match ^[A-Za-z0-9._-]{1,64}$.`);
  }
  if (typeof jwk.x !== 'string' || (alg === 'ES256' && typeof jwk.y !== 'string'))
    throw new Error(`${where} lacks its public members.`);
  const publicMembers: JWK =
    alg === 'ES256'
      ? { kty: 'EC', crv: 'P-256', x: jwk.x, y: String(jwk.y) }
      : { kty: 'OKP', crv: 'Ed25519', x: jwk.x };
  let privateKey: CryptoKey;
  let publicKey: CryptoKey;
  try {
    privateKey = (await importJWK({ ...(jwk as JWK), alg, ext: true }, alg, {
      extractable: true,
    })) as CryptoKey;
    publicKey = (await importJWK({ ...publicMembers, alg }, alg)) as CryptoKey;
  } catch (error) {
    throw new Error(
      `${where} cannot be imported: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
  // A private scalar that does not belong to its public point would sign unverifiable receipts.
  const probe = await new CompactSign(new Uint8Array([1])).setProtectedHeader({ alg }).sign(privateKey);
  await compactVerify(probe, publicKey, { algorithms: [alg] }).catch((error: unknown) => {
    throw new Error(`${where}: the private key does not match its public members.`, { cause: error });
  });
  const publicJwk = await toPublicJwk(publicMembers, alg, typeof jwk.kid === 'string' ? jwk.kid : undefined);
  return {
    kid: publicJwk.kid,
    alg,
    createdAt: now,
    retireAfter: undefined,
    privateKey,
    publicKey,
    publicJwk,
  };
}

/** The published form; without a given kid, the RFC 7638 thumbprint names the key. */
async function toPublicJwk(jwk: JWK, alg: GatewayAlgorithm, kid?: string): Promise<GatewayPublicJwk> {
  const id = kid ?? (await calculateJwkThumbprint(jwk, 'sha256'));
  if (alg === 'ES256')
    return { kty: 'EC', crv: 'P-256', x: String(jwk.x), y: String(jwk.y), kid: id, alg, use: 'sig' };
  return { kty: 'OKP', crv: 'Ed25519', x: String(jwk.x), kid: id, alg, use: 'sig' };
}
