import type { OnApplicationShutdown } from '@nestjs/common';
import { Inject, Injectable } from '@nestjs/common';
import { checkWebhookAddress } from '@lienthong/delivery';
import { LienthongMetrics, stopwatch } from '@lienthong/observability';
import type { RouterConfig } from '../config/router-config.js';
import { ROUTER_CONFIG } from '../config/router-config.js';
import type { Delivery } from '../fanout/subscription-matcher.js';
import type { WebhookResult } from './webhook-sender.js';
import { WebhookSender } from './webhook-sender.js';

/** Sends webhook deliveries, at most WEBHOOK_CONCURRENCY at once, each one attempt. */
@Injectable()
export class WebhookDispatcher implements OnApplicationShutdown {
  private readonly sender: WebhookSender;

  constructor(
    private readonly metrics: LienthongMetrics,
    @Inject(ROUTER_CONFIG) private readonly config: RouterConfig,
  ) {
    const allowPrivateNetworks = config.webhookAllowPrivateNetworks;
    this.sender = new WebhookSender({
      connectTimeoutMs: config.webhookConnectTimeoutMs,
      responseTimeoutMs: config.webhookResponseTimeoutMs,
      maxResponseBytes: config.webhookMaxResponseBytes,
      guard: (address) => checkWebhookAddress(address, { allowPrivateNetworks }),
      allowHttp: allowPrivateNetworks,
    });
  }

  onApplicationShutdown(): void {
    this.sender.close();
  }

  /** One attempt per delivery; results in the same order. */
  async sendAll(
    deliveries: Delivery[],
    headersOf: (d: Delivery) => Record<string, string>,
  ): Promise<WebhookResult[]> {
    const results: WebhookResult[] = new Array<WebhookResult>(deliveries.length);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < deliveries.length) {
        const i = next++;
        const d = deliveries[i]!;
        if (d.subscription.delivery.mode !== 'webhook') {
          results[i] = { ok: false, error: 'not-a-webhook', retryable: false };
          continue;
        }
        const elapsed = stopwatch();
        results[i] = await this.sender.send(d.subscription.delivery.url, d.body, headersOf(d));
        this.metrics.deliveryDuration('webhook', elapsed());
      }
    };
    await Promise.all(
      Array.from({ length: Math.min(this.config.webhookConcurrency, deliveries.length) }, worker),
    );
    return results;
  }
}
