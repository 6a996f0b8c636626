import { LienthongError } from '@lienthong/contracts';
import type { SubscriptionFilter } from '@lienthong/delivery';
import { inboxTopic } from '@lienthong/delivery';
import type { RegisteredSubscription } from '@lienthong/registry';
import { parseStrictJson } from '@lienthong/schema';

/** A subscription as the API shows it. The webhook secret appears once: in the creation response. */
export interface SubscriptionView {
  id: string;
  agency: string;
  types: string[];
  filter?: SubscriptionFilter;
  projection?: string[];
  delivery: { mode: 'kafka'; topic: string } | { mode: 'webhook'; url: string; secret?: string };
  status: 'active' | 'paused';
  createdAt: string;
  createdBy: string;
  updatedAt: string;
}

/** `GET /v1/subscriptions` query: operators may narrow to one agency; anyone to one type. */
export interface SubscriptionListQuery {
  agency?: string;
  type?: string;
}

/** `POST /v1/subscriptions` body: strict JSON; its meaning is checked by `validateSubscriptionRequest`. */
export function parseSubscriptionBody(body: Buffer | undefined): unknown {
  if (!Buffer.isBuffer(body)) throw new LienthongError('empty-body');
  return parseStrictJson(body);
}

export function parseListQuery(query: Record<string, unknown>): SubscriptionListQuery {
  const result: SubscriptionListQuery = {};
  for (const [name, value] of Object.entries(query)) {
    if ((name !== 'agency' && name !== 'type') || typeof value !== 'string' || value === '') {
      throw new LienthongError('bad-request', {
        detail: `Unknown or repeated query parameter "${name}"; use agency and type.`,
        detailVi: `Tham số truy vấn "${name}" không xác định hoặc bị lặp; hãy dùng agency và type.`,
      });
    }
    result[name] = value;
  }
  return result;
}

export function toSubscriptionView(
  subscription: RegisteredSubscription,
  options: { withSecret?: boolean } = {},
): SubscriptionView {
  const view: SubscriptionView = {
    id: subscription.id,
    agency: subscription.agency,
    types: [...subscription.types],
    delivery:
      subscription.delivery.mode === 'kafka'
        ? { mode: 'kafka', topic: inboxTopic(subscription.agency) }
        : { mode: 'webhook', url: subscription.delivery.url },
    status: subscription.status,
    createdAt: subscription.createdAt,
    createdBy: subscription.createdBy,
    updatedAt: subscription.updatedAt,
  };
  if (subscription.filter !== undefined) view.filter = subscription.filter;
  if (subscription.projection !== undefined) view.projection = [...subscription.projection];
  if (options.withSecret && subscription.delivery.mode === 'webhook' && view.delivery.mode === 'webhook') {
    view.delivery.secret = subscription.delivery.secret;
  }
  return view;
}
