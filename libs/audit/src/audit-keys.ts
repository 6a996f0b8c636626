import { KeyObject, createPublicKey, sign, verify } from 'node:crypto';
import { GatewayKeyring } from '@lienthong/trust';
import { AUDIT_KEY_USE, auditSigningInput } from './audit-event.js';

/** A century: "as long as the key file lists the key", in the keyring's terms. */
const KEEP_EARLIER_KEYS_SECONDS = 100 * 365 * 24 * 3600;

/** An audit public key as published in the gateway's `/.well-known/jwks.json`. */
export interface AuditPublicJwk {
  kty: 'OKP';
  crv: 'Ed25519';
  x: string;
  kid: string;
  alg: 'EdDSA';
  use: typeof AUDIT_KEY_USE;
}

/**
 * The Ed25519 keys one process signs audit events with: the first key of the file signs, the
 * others are earlier keys, still published so that old events keep verifying.
 */
export class AuditSigner {
  private constructor(
    private readonly keyring: GatewayKeyring,
    private readonly privateKey: KeyObject,
    /** Whether the key was generated for this process (its events verify only with its JWKS). */
    readonly ephemeral: boolean,
  ) {}

  /** Loads a private JWK Set (Ed25519, first key signs), as AUDIT_SIGNING_KEY_FILE holds. */
  static async fromPrivateJwks(json: unknown, variable = 'AUDIT_SIGNING_KEY_FILE'): Promise<AuditSigner> {
    // Earlier keys stay published as long as the file lists them: audit events are kept for
    // good, not for a token or receipt window (the keyring's default would drop them in 30 days).
    const keyring = await GatewayKeyring.fromPrivateJwks(json, {
      alg: 'EdDSA',
      receiptRetentionSeconds: KEEP_EARLIER_KEYS_SECONDS,
    });
    if (keyring.activeKey().alg !== 'EdDSA')
      throw new Error(`${variable}: the first key must be an Ed25519 (EdDSA) key`);
    return new AuditSigner(keyring, KeyObject.from(keyring.signingKey().key), false);
  }

  /** A key generated for this process only (development; a warning is the caller's job). */
  static async generate(): Promise<AuditSigner> {
    const keyring = await GatewayKeyring.generate({ alg: 'EdDSA' });
    return new AuditSigner(keyring, KeyObject.from(keyring.signingKey().key), true);
  }

  get kid(): string {
    return this.keyring.activeKey().kid;
  }

  /** Ed25519 signature (base64url) over the record's signing input. */
  sign(record: Record<string, unknown>): string {
    return sign(null, auditSigningInput(record), this.privateKey).toString('base64url');
  }

  /** The public keys, marked `use: lienthong-audit` so no token or receipt verifier picks them. */
  publicJwks(): { keys: AuditPublicJwk[] } {
    return {
      keys: this.keyring.publicJwks().keys.map((key) => ({
        kty: 'OKP',
        crv: 'Ed25519',
        x: 'x' in key ? key.x : '',
        kid: key.kid,
        alg: 'EdDSA',
        use: AUDIT_KEY_USE,
      })),
    };
  }
}

/** Why a key could not be used for an audit signature. */
export type AuditKeyRefusal = 'unknown-key' | 'not-an-audit-key';

/** Audit public keys selected from a JWK Set by `kid`: only `use: lienthong-audit` Ed25519 keys. */
export class AuditKeySet {
  private readonly keys = new Map<string, KeyObject>();
  private readonly otherUse = new Set<string>();

  /** Reads every key of the set; keys for other uses are remembered only to name the refusal. */
  constructor(jwks: unknown) {
    const list =
      jwks !== null && typeof jwks === 'object' && Array.isArray((jwks as { keys?: unknown }).keys)
        ? (jwks as { keys: unknown[] }).keys
        : [];
    const seen = new Map<string, number>();
    for (const item of list) {
      if (item === null || typeof item !== 'object') continue;
      const jwk = item as Record<string, unknown>;
      if (typeof jwk['kid'] === 'string') seen.set(jwk['kid'], (seen.get(jwk['kid']) ?? 0) + 1);
    }
    for (const item of list) {
      if (item === null || typeof item !== 'object') continue;
      const jwk = item as Record<string, unknown>;
      const kid = jwk['kid'];
      if (typeof kid !== 'string') continue;
      // A kid that names two keys could be read two ways; use neither.
      if ((seen.get(kid) ?? 0) > 1) continue;
      const usable =
        jwk['use'] === AUDIT_KEY_USE &&
        jwk['kty'] === 'OKP' &&
        jwk['crv'] === 'Ed25519' &&
        (jwk['alg'] === undefined || jwk['alg'] === 'EdDSA') &&
        typeof jwk['x'] === 'string';
      if (!usable) {
        this.otherUse.add(kid);
        continue;
      }
      try {
        this.keys.set(
          kid,
          createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: jwk['x'] as string }, format: 'jwk' }),
        );
      } catch {
        this.otherUse.add(kid);
      }
    }
  }

  /** Kids of the audit keys in the set. */
  get kids(): string[] {
    return [...this.keys.keys()];
  }

  /** `true` when `sig` is a valid signature by `kid` over the record, else why not. */
  check(kid: string, record: Record<string, unknown>, sig: string): true | AuditKeyRefusal | 'bad-signature' {
    const key = this.keys.get(kid);
    if (!key) return this.otherUse.has(kid) ? 'not-an-audit-key' : 'unknown-key';
    const signature = Buffer.from(sig, 'base64url');
    if (signature.length !== 64 || signature.toString('base64url') !== sig) return 'bad-signature';
    return verify(null, auditSigningInput(record), key, signature) ? true : 'bad-signature';
  }
}
