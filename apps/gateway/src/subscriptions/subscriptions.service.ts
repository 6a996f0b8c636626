import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { LienthongError } from '@lienthong/contracts';
import type {
  DisclosurePurpose,
  Subscription,
  SubscriptionRecordData,
  WebhookTargetPolicy,
} from '@lienthong/delivery';
import {
  WEBHOOK_SECRET_PREFIX,
  WebhookTargetError,
  newPseudonymSecret,
  resolveWebhookTarget,
  validateSubscriptionRequest,
  webhookUrlRefused,
} from '@lienthong/delivery';
import type { RegisteredSubscription } from '@lienthong/registry';
import { RegistryLog, RegistryState, RegistryUnavailableError } from '@lienthong/registry';
import { v7 as uuidv7 } from 'uuid';
import type { Principal } from '../common/principal.js';
import type { GatewayConfig } from '../config/gateway-config.js';
import { GATEWAY_CONFIG } from '../config/gateway-config.js';
import type { SubscriptionListQuery, SubscriptionView } from './subscriptions.dto.js';
import { toSubscriptionView } from './subscriptions.dto.js';

/** Random bytes in a webhook secret (Standard Webhooks: 24 to 64). */
const WEBHOOK_SECRET_BYTES = 32;

/**
 * Subscriptions are registry records (`subscription/<id>`, last-writer-wins full state): every
 * write goes through the log and answers once this replica applied it, so the router and every
 * gateway replica see the same subscriptions. An agency sees and manages its own; operators
 * manage all. Another agency's subscription answers 404, as if it did not exist.
 */
@Injectable()
export class SubscriptionsService {
  private readonly webhookPolicy: WebhookTargetPolicy;

  constructor(
    private readonly log: RegistryLog,
    private readonly state: RegistryState,
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
  ) {
    this.webhookPolicy = { allowPrivateNetworks: config.webhookAllowPrivateNetworks };
  }

  /** Creates a subscription for the calling agency; a webhook's secret is in this answer only. */
  async create(body: unknown, caller: Principal): Promise<SubscriptionView> {
    const agency = caller.agencyId;
    const request = validateSubscriptionRequest(body, {
      versionsOf: (type) =>
        this.state.versions(type).map((v) => ({
          schema: v.schema,
          personalData: v.metadata.personalData,
          keyPointer: v.metadata.keyPointer,
        })),
      types: () => this.state.types(),
      hasGrant: (right, type) => this.state.agencies.hasGrant(agency, right, type),
      webhookPolicy: this.webhookPolicy,
    });
    let delivery: Subscription['delivery'] = { mode: 'kafka' };
    if (request.delivery.mode === 'webhook') {
      const target = await this.resolveWebhook(request.delivery.url);
      delivery = { mode: 'webhook', url: target.href, secret: newWebhookSecret() };
    }
    const subscription: Subscription = {
      id: uuidv7(),
      agency,
      types: request.types,
      delivery,
      status: 'active',
      createdAt: new Date().toISOString(),
      createdBy: agency,
      // The gateway's own: never in any answer, so a subscriber cannot reverse or link pseudonyms.
      pseudonymSecret: newPseudonymSecret(),
    };
    if (request.filter !== undefined) subscription.filter = request.filter;
    if (request.projection !== undefined) subscription.projection = request.projection;
    if (request.purpose !== undefined) subscription.purpose = request.purpose;
    if (request.legalBasis !== undefined) subscription.legalBasis = request.legalBasis;
    const stored = await this.write(subscription, agency);
    return toSubscriptionView(stored, { withSecret: true });
  }

  list(caller: Principal, query: SubscriptionListQuery): SubscriptionView[] {
    const operator = caller.roles.includes('operator');
    const agency = operator ? query.agency : caller.agencyId;
    if (!operator && query.agency !== undefined && query.agency !== caller.agencyId) {
      throw new LienthongError('forbidden', {
        detail: 'Only operators list the subscriptions of other agencies.',
        detailVi: 'Chỉ người vận hành mới xem được đăng ký nhận dữ liệu của cơ quan khác.',
      });
    }
    const all =
      agency === undefined ? this.state.subscriptions.list() : this.state.subscriptions.forAgency(agency);
    return all
      .filter((s) => query.type === undefined || s.types.includes(query.type))
      .map((s) => toSubscriptionView(s));
  }

  get(id: string, caller: Principal): SubscriptionView {
    return toSubscriptionView(this.find(id, caller));
  }

  async setStatus(id: string, status: 'active' | 'paused', caller: Principal): Promise<SubscriptionView> {
    const current = this.find(id, caller);
    if (current.status === status) return toSubscriptionView(current);
    const { updatedAt: _updatedAt, ...subscription } = current;
    const stored = await this.write({ ...subscription, status }, caller.agencyId);
    return toSubscriptionView(stored);
  }

  /** Sets the purpose and legal basis of a subscription in place (`PATCH`). */
  async setDisclosureBasis(
    id: string,
    change: { purpose?: DisclosurePurpose; legalBasis?: string },
    caller: Principal,
  ): Promise<SubscriptionView> {
    const { updatedAt: _updatedAt, ...current } = this.find(id, caller);
    const next: Subscription = { ...current, ...change };
    return toSubscriptionView(await this.write(next, caller.agencyId));
  }

  async delete(id: string, caller: Principal): Promise<void> {
    this.find(id, caller);
    await this.append({ id, deleted: true }, caller.agencyId);
  }

  /** The subscription if the caller may see it: its own, or any for an operator. */
  find(id: string, caller: Principal): RegisteredSubscription {
    const subscription = this.state.subscriptions.get(id);
    if (!subscription || (subscription.agency !== caller.agencyId && !caller.roles.includes('operator'))) {
      throw new LienthongError('unknown-subscription', {
        detail: `No subscription ${id}.`,
        detailVi: `Không có đăng ký nhận dữ liệu ${id}.`,
      });
    }
    return subscription;
  }

  /** The full check with DNS: every address the host resolves to must be allowed. */
  private async resolveWebhook(url: string): Promise<URL> {
    try {
      return (await resolveWebhookTarget(url, this.webhookPolicy)).url;
    } catch (error) {
      if (error instanceof WebhookTargetError) throw webhookUrlRefused(error);
      throw error;
    }
  }

  /** The state as this replica applied it (a later write may already have replaced it). */
  private async write(subscription: Subscription, by: string): Promise<RegisteredSubscription> {
    return (await this.append(subscription, by)) as RegisteredSubscription;
  }

  private async append(data: SubscriptionRecordData, by: string): Promise<unknown> {
    let outcome;
    try {
      outcome = await this.log.append('subscription', data.id, data, by);
    } catch (cause) {
      if (cause instanceof RegistryUnavailableError) {
        throw new LienthongError('registry-unavailable', { retryAfterSeconds: 5, cause });
      }
      throw cause;
    }
    if (!outcome.accepted) throw new Error(`registry refused subscription ${data.id}: ${outcome.reason}`);
    return outcome.result;
  }
}

/** A Standard Webhooks secret: `whsec_` and the base64 of fresh random bytes. */
function newWebhookSecret(): string {
  return `${WEBHOOK_SECRET_PREFIX}${randomBytes(WEBHOOK_SECRET_BYTES).toString('base64')}`;
}
