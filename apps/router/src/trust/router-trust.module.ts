import { readFileSync } from 'node:fs';
import { Global, Logger, Module } from '@nestjs/common';
import { AuditSigner } from '@lienthong/audit';
import { GatewayKeyring } from '@lienthong/trust';
import type { RouterConfig } from '../config/router-config.js';
import { ROUTER_CONFIG } from '../config/router-config.js';
import { DeliverySigners } from './delivery-signers.service.js';
import { WEBHOOK_KEYRING } from './webhook-keyring.token.js';

/** The router's audit key (AUDIT_SIGNING_KEY_FILE), or one generated for this process with a warning. */
export async function loadAuditSigner(file: string | undefined, context: string): Promise<AuditSigner> {
  if (file) return AuditSigner.fromPrivateJwks(readFileSync(file, 'utf8'));
  new Logger(context).warn(
    'AUDIT_SIGNING_KEY_FILE is not set: signing audit events with a key generated for this process ' +
      'only; the gateway JWKS will not hold it and audit verification will report its events as forged',
  );
  return AuditSigner.generate();
}

async function load(
  file: string | undefined,
  alg: 'ES256' | 'EdDSA',
  variable: string,
): Promise<GatewayKeyring> {
  if (file) {
    const keyring = await GatewayKeyring.fromPrivateJwks(readFileSync(file, 'utf8'), { alg });
    // The gateway's file signs with whatever its first key is; webhooks need Ed25519 (`v1a`).
    if (alg === 'EdDSA' && keyring.activeKey().alg !== alg)
      throw new Error(`${variable}: the first key must be an Ed25519 (EdDSA) key`);
    return keyring;
  }
  new Logger('Trust').warn(
    `${variable} is not set: signing with a key generated for this process only; ` +
      'subscribers will not verify these signatures against the gateway JWKS',
  );
  return GatewayKeyring.generate({ alg });
}

@Global()
@Module({
  providers: [
    {
      provide: GatewayKeyring,
      inject: [ROUTER_CONFIG],
      useFactory: (config: RouterConfig) =>
        load(config.gatewaySigningKeysFile, 'ES256', 'GATEWAY_SIGNING_KEYS_FILE'),
    },
    {
      provide: WEBHOOK_KEYRING,
      inject: [ROUTER_CONFIG],
      useFactory: (config: RouterConfig) =>
        load(config.webhookSigningKeyFile, 'EdDSA', 'WEBHOOK_SIGNING_KEY_FILE'),
    },
    DeliverySigners,
    {
      provide: AuditSigner,
      inject: [ROUTER_CONFIG],
      useFactory: (config: RouterConfig) => loadAuditSigner(config.auditSigningKeyFile, 'Trust'),
    },
  ],
  exports: [DeliverySigners, AuditSigner],
})
export class RouterTrustModule {}
