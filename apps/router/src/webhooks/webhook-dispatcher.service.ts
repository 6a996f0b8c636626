import type { OnApplicationShutdown } from '@nestjs/common';
import { Inject, Injectable } from '@nestjs/common';
import { checkWebhookAddress } from '@lienthong/delivery';
import { LienthongMetrics, stopwatch } from '@lienthong/observability';
import type { RouterConfig } from '../config/router-config.js';
import { ROUTER_CONFIG } from '../config/router-config.js';
import type { Delivery } from '../fanout/subscription-matcher.js';
import type { WebhookResult } from './webhook-sender.js';
import { WebhookSender } from './webhook-sender.js';

/**
 * Failures that cost a whole timeout: the subscriber does not answer. Any other failure (a 5xx,
 * a refused connection) is quick and costs the other subscribers nothing.
 */
const UNRESPONSIVE_ERRORS: ReadonlySet<string> = new Set(['connect-timeout', 'response-timeout']);

/** Prefix of the error of an attempt that was not made (see `WebhookDispatcher`). */
export const NOT_ATTEMPTED = 'not attempted after';

/** At least this long before first attempts go to a subscription that stopped answering. */
const MIN_UNRESPONSIVE_HOLD_MS = 60_000;

/**
 * Sends webhook deliveries, one attempt each, so that a subscriber that hangs or answers slowly
 * does not hold back the others:
 *
 * - each subscription has its own lane with a fair share of WEBHOOK_CONCURRENCY (at least
 *   one request), so a bad subscriber's requests never queue the others' behind them;
 * - once a request to a subscription timed out, its lane starts no further request in this
 *   call: the rest fail at once as `not attempted after <error>` (retryable, and counted as an
 *   attempt, so a hanging subscriber costs a partition one timeout per batch, not one per
 *   record);
 * - after such a timeout, first attempts (records arriving from the record topics) are not made
 *   to that subscription until an attempt to it succeeds again — its retries are the probes —
 *   or, at the latest, for the longest retry delay (a minute at least), so records keep
 *   flowing to everyone else without waiting for its timeout.
 */
@Injectable()
export class WebhookDispatcher implements OnApplicationShutdown {
  private readonly sender: WebhookSender;
  /** Subscriptions whose last attempt timed out: the error and when. */
  private readonly unresponsive = new Map<string, { error: string; since: number }>();
  private readonly holdMs: number;

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
    this.holdMs = Math.max(MIN_UNRESPONSIVE_HOLD_MS, ...config.retryDelaysMs);
  }

  onApplicationShutdown(): void {
    this.sender.close();
  }

  /** One attempt per delivery (or a `not attempted` failure, see above); results in the same order. */
  async sendAll(
    deliveries: Delivery[],
    headersOf: (d: Delivery) => Record<string, string>,
  ): Promise<WebhookResult[]> {
    const results: WebhookResult[] = new Array<WebhookResult>(deliveries.length);
    this.forgetExpired();
    const lanes = new Map<string, number[]>();
    deliveries.forEach((d, i) => {
      const lane = lanes.get(d.subscription.id);
      if (lane) lane.push(i);
      else lanes.set(d.subscription.id, [i]);
    });
    const share = Math.max(1, Math.floor(this.config.webhookConcurrency / Math.max(1, lanes.size)));
    await Promise.all(
      [...lanes.values()].map((lane) => this.runLane(lane, deliveries, results, headersOf, share)),
    );
    return results;
  }

  private async runLane(
    lane: number[],
    deliveries: Delivery[],
    results: WebhookResult[],
    headersOf: (d: Delivery) => Record<string, string>,
    concurrency: number,
  ): Promise<void> {
    let next = 0;
    let timedOut: string | undefined;
    const worker = async (): Promise<void> => {
      while (next < lane.length) {
        const i = lane[next++]!;
        const d = deliveries[i]!;
        if (d.subscription.delivery.mode !== 'webhook') {
          results[i] = { ok: false, error: 'not-a-webhook', retryable: false };
          continue;
        }
        const skip = timedOut ?? (d.attempts === 0 ? this.heldBack(d.subscription.id) : undefined);
        if (skip !== undefined) {
          results[i] = { ok: false, error: `${NOT_ATTEMPTED} ${skip}`, retryable: true };
          continue;
        }
        const elapsed = stopwatch();
        const result = await this.sender.send(d.subscription.delivery.url, d.body, headersOf(d));
        this.metrics.deliveryDuration('webhook', elapsed());
        results[i] = result;
        if (result.ok) {
          this.unresponsive.delete(d.subscription.id);
        } else if (UNRESPONSIVE_ERRORS.has(result.error)) {
          timedOut ??= result.error;
          this.unresponsive.set(d.subscription.id, { error: result.error, since: Date.now() });
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, lane.length) }, worker));
  }

  /** Deleted subscriptions never succeed again: their entries leave by age. */
  private forgetExpired(): void {
    const now = Date.now();
    for (const [id, state] of this.unresponsive)
      if (now - state.since >= this.holdMs) this.unresponsive.delete(id);
  }

  /** The error that holds first attempts back from this subscription, if any. */
  private heldBack(subscriptionId: string): string | undefined {
    const state = this.unresponsive.get(subscriptionId);
    if (!state) return undefined;
    if (Date.now() - state.since < this.holdMs) return state.error;
    this.unresponsive.delete(subscriptionId);
    return undefined;
  }
}
