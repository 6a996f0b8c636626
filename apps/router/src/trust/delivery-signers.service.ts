import { KeyObject } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { DeliverySigningKey } from '@lienthong/delivery';
import { GatewayKeyring } from '@lienthong/trust';
import { WEBHOOK_KEYRING } from './webhook-keyring.token.js';

/**
 * The gateway keys the router signs with: the gateway's signing key (same file as the gateway,
 * so subscribers verify Kafka deliveries against the gateway JWKS) and the Ed25519 key of the
 * webhook `v1a` signatures.
 */
@Injectable()
export class DeliverySigners {
  constructor(
    private readonly gateway: GatewayKeyring,
    @Inject(WEBHOOK_KEYRING) private readonly webhook: GatewayKeyring,
  ) {}

  /** Signs Kafka deliveries (`lienthong-gateway-signature`). */
  deliveryKey(): DeliverySigningKey {
    return this.gateway.signingKey();
  }

  /** Signs webhooks (`v1a`). */
  webhookKey(): KeyObject {
    return KeyObject.from(this.webhook.signingKey().key);
  }

  /** Public keys of both, for verifiers that cannot reach the gateway (tests, the demo). */
  publicJwks(): { keys: Record<string, unknown>[] } {
    return { keys: [...this.gateway.publicJwks().keys, ...this.webhook.publicJwks().keys] };
  }
}
