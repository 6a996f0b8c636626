import { readFileSync } from 'node:fs';
import type { OnApplicationShutdown } from '@nestjs/common';
import { Global, Inject, Injectable, Logger, Module } from '@nestjs/common';
import { AuditSigner } from '@lienthong/audit';
import type { IdempotencyStore } from '@lienthong/idempotency';
import { InMemoryIdempotencyStore, RedisIdempotencyStore, openRedisConnection } from '@lienthong/idempotency';
import type { JtiStore } from '@lienthong/trust';
import {
  AccessTokenIssuer,
  AccessTokenVerifier,
  GatewayKeyring,
  InMemoryJtiStore,
  ReceiptSigner,
  RedisJtiStore,
} from '@lienthong/trust';
import type { Redis } from 'ioredis';
import type { GatewayConfig } from '../config/gateway-config.js';
import { GATEWAY_CONFIG } from '../config/gateway-config.js';

export const JTI_STORE = Symbol('JTI_STORE');
/**
 * Public JWKs published beside the gateway's own: the router's webhook (`v1a`) key and the audit
 * keys (`use: lienthong-audit`, which token and receipt verifiers never select).
 */
export const EXTRA_PUBLIC_KEYS = Symbol('EXTRA_PUBLIC_KEYS');
export const IDEMPOTENCY_STORE = Symbol('IDEMPOTENCY_STORE');
export const REDIS = Symbol('REDIS');

/** Closes the shared Redis connection (when configured) after everything else stopped. */
@Injectable()
export class TrustShutdown implements OnApplicationShutdown {
  constructor(
    @Inject(REDIS) private readonly redis: Redis | undefined,
    @Inject(IDEMPOTENCY_STORE) private readonly idempotency: IdempotencyStore,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.idempotency.close().catch(() => undefined);
    await this.redis?.quit().catch(() => undefined);
  }
}

async function loadKeyring(config: GatewayConfig): Promise<GatewayKeyring> {
  const options = { maxTokenLifetimeSeconds: config.accessTokenTtlSeconds };
  if (config.signingKeysFile) {
    return GatewayKeyring.fromPrivateJwks(readFileSync(config.signingKeysFile, 'utf8'), options);
  }
  new Logger('Trust').warn(
    'GATEWAY_SIGNING_KEYS_FILE is not set: signing with a key generated for this process only; ' +
      'replicas will not verify each other’s tokens and receipts',
  );
  return GatewayKeyring.generate(options);
}

/** The gateway's audit key: AUDIT_SIGNING_KEY_FILE, or one generated for this process. */
async function loadAuditSigner(config: GatewayConfig): Promise<AuditSigner> {
  if (config.auditSigningKeyFile)
    return AuditSigner.fromPrivateJwks(readFileSync(config.auditSigningKeyFile, 'utf8'));
  new Logger('Trust').warn(
    'AUDIT_SIGNING_KEY_FILE is not set: signing audit events with a key generated for this process ' +
      'only; the router and other replicas sign with keys this JWKS does not publish',
  );
  return AuditSigner.generate();
}

/**
 * The gateway's own keys and what uses them: access tokens (issue, verify with a cache),
 * receipts, the assertion replay cache and the idempotency store (Redis when REDIS_URL is set).
 */
@Global()
@Module({
  providers: [
    { provide: GatewayKeyring, inject: [GATEWAY_CONFIG], useFactory: loadKeyring },
    { provide: AuditSigner, inject: [GATEWAY_CONFIG], useFactory: loadAuditSigner },
    {
      provide: EXTRA_PUBLIC_KEYS,
      inject: [GATEWAY_CONFIG, AuditSigner],
      useFactory: async (config: GatewayConfig, audit: AuditSigner): Promise<Record<string, unknown>[]> => [
        ...(config.webhookSigningKeyFile
          ? (
              await GatewayKeyring.fromPrivateJwks(readFileSync(config.webhookSigningKeyFile, 'utf8'), {
                alg: 'EdDSA',
              })
            )
              .publicJwks()
              .keys.map((key) => ({ ...key }))
          : []),
        ...audit.publicJwks().keys.map((key) => ({ ...key })),
      ],
    },
    {
      provide: AccessTokenIssuer,
      inject: [GatewayKeyring, GATEWAY_CONFIG],
      useFactory: (keyring: GatewayKeyring, config: GatewayConfig) =>
        new AccessTokenIssuer(keyring, { issuer: config.issuer, audience: config.issuer }),
    },
    {
      provide: AccessTokenVerifier,
      inject: [GatewayKeyring, GATEWAY_CONFIG],
      useFactory: (keyring: GatewayKeyring, config: GatewayConfig) =>
        new AccessTokenVerifier(keyring, { issuer: config.issuer, audience: config.issuer }),
    },
    {
      provide: ReceiptSigner,
      inject: [GatewayKeyring, GATEWAY_CONFIG],
      useFactory: (keyring: GatewayKeyring, config: GatewayConfig) =>
        new ReceiptSigner(keyring, { issuer: config.issuer }),
    },
    {
      provide: REDIS,
      inject: [GATEWAY_CONFIG],
      useFactory: (config: GatewayConfig): Redis | undefined =>
        config.redisUrl ? openRedisConnection(config.redisUrl) : undefined,
    },
    {
      provide: JTI_STORE,
      inject: [REDIS],
      useFactory: (redis: Redis | undefined): JtiStore =>
        redis ? new RedisJtiStore(redis) : new InMemoryJtiStore(),
    },
    {
      provide: IDEMPOTENCY_STORE,
      inject: [REDIS],
      useFactory: (redis: Redis | undefined): IdempotencyStore =>
        redis ? new RedisIdempotencyStore({ redis }) : new InMemoryIdempotencyStore(),
    },
    TrustShutdown,
  ],
  exports: [
    GatewayKeyring,
    AuditSigner,
    EXTRA_PUBLIC_KEYS,
    AccessTokenIssuer,
    AccessTokenVerifier,
    ReceiptSigner,
    JTI_STORE,
    IDEMPOTENCY_STORE,
    REDIS,
  ],
})
export class TrustModule {}
