import type { ProblemPointer } from '@lienthong/contracts';
import { LienthongError } from '@lienthong/contracts';
import type { DisclosurePurpose, SubscriptionFilter } from '@lienthong/delivery';
import { inboxTopic, parseDisclosureBasis } from '@lienthong/delivery';
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
  purpose?: DisclosurePurpose;
  legalBasis?: string;
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
  if (subscription.purpose !== undefined) view.purpose = { ...subscription.purpose };
  if (subscription.legalBasis !== undefined) view.legalBasis = subscription.legalBasis;
  if (options.withSecret && subscription.delivery.mode === 'webhook' && view.delivery.mode === 'webhook') {
    view.delivery.secret = subscription.delivery.secret;
  }
  return view;
}

/**
 * `PATCH /v1/subscriptions/{id}` body: `{"purpose"?, "legalBasis"?}` (at least one), the only
 * members an agency changes in place (JSON merge patch, RFC 7396, without `null` removal: a
 * subscription receiving personal data must keep both).
 */
export function parseSubscriptionPatch(body: Buffer | undefined): {
  purpose?: DisclosurePurpose;
  legalBasis?: string;
} {
  if (!Buffer.isBuffer(body)) throw new LienthongError('empty-body');
  const value = parseStrictJson(body);
  const errors: ProblemPointer[] = [];
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    errors.push({ pointer: '', message: 'must be an object', messageVi: 'phải là một đối tượng' });
  } else {
    for (const name of Object.keys(value)) {
      if (name !== 'purpose' && name !== 'legalBasis') {
        errors.push({
          pointer: `/${name}`,
          message: 'only purpose and legalBasis can be changed',
          messageVi: 'chỉ được thay đổi purpose và legalBasis',
        });
      }
    }
    if (Object.keys(value).length === 0) {
      errors.push({ pointer: '', message: 'names nothing to change', messageVi: 'không nêu thay đổi nào' });
    }
    const basis = parseDisclosureBasis(value as Record<string, unknown>, errors);
    if (errors.length === 0) return basis;
  }
  throw new LienthongError('invalid-subscription-request', {
    detail: 'The request body is not a valid subscription change.',
    detailVi: 'Nội dung yêu cầu không phải thay đổi đăng ký nhận dữ liệu hợp lệ.',
    errors,
  });
}

/** RFC 3339 `date-time` with an explicit offset. */
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/i;

/** Clock skew tolerated on a `since` slightly in the future. */
const SINCE_SKEW_MS = 60_000;

/**
 * `POST …/replay` body `{ "since": "<RFC 3339 date-time>" }` (required) and `POST …/redrive`
 * body `{ "since"?: … }` (the body itself is optional). Returns the normalised ISO time.
 */
export function parseCommandBody(
  body: Buffer | undefined,
  options: { sinceRequired: boolean },
): string | undefined {
  if (!Buffer.isBuffer(body) || body.length === 0) {
    if (!options.sinceRequired) return undefined;
    throw invalidCommand([{ pointer: '/since', message: 'is required', messageVi: 'là bắt buộc' }]);
  }
  const value = parseStrictJson(body);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw invalidCommand([{ pointer: '', message: 'must be an object', messageVi: 'phải là một đối tượng' }]);
  }
  const errors: ProblemPointer[] = Object.keys(value)
    .filter((name) => name !== 'since')
    .map((name) => ({
      pointer: `/${name}`,
      message: 'unknown member',
      messageVi: 'thành phần không xác định',
    }));
  const since = (value as Record<string, unknown>)['since'];
  let iso: string | undefined;
  if (since === undefined) {
    if (options.sinceRequired)
      errors.push({ pointer: '/since', message: 'is required', messageVi: 'là bắt buộc' });
  } else if (typeof since !== 'string' || !RFC3339.test(since) || Number.isNaN(Date.parse(since))) {
    errors.push({
      pointer: '/since',
      message: 'must be an RFC 3339 date-time with a time zone, such as 2026-11-28T08:00:00+07:00',
      messageVi: 'phải là thời điểm theo RFC 3339 có múi giờ, ví dụ 2026-11-28T08:00:00+07:00',
    });
  } else if (Date.parse(since) > Date.now() + SINCE_SKEW_MS) {
    errors.push({
      pointer: '/since',
      message: 'is in the future',
      messageVi: 'là thời điểm trong tương lai',
    });
  } else {
    iso = new Date(Date.parse(since)).toISOString();
  }
  if (errors.length > 0) throw invalidCommand(errors);
  return iso;
}

/** `GET …/dead-letters?limit=`: 1..1000, default 100. */
export function parseDeadLetterQuery(query: Record<string, unknown>): { limit: number } {
  let limit = 100;
  for (const [name, value] of Object.entries(query)) {
    const n = typeof value === 'string' && /^[0-9]{1,4}$/.test(value) ? Number(value) : NaN;
    if (name !== 'limit' || !(n >= 1 && n <= 1_000)) {
      throw new LienthongError('bad-request', {
        detail: 'The only query parameter is limit, from 1 to 1000.',
        detailVi: 'Tham số truy vấn duy nhất là limit, từ 1 đến 1000.',
      });
    }
    limit = n;
  }
  return { limit };
}

function invalidCommand(errors: ProblemPointer[]): LienthongError {
  return new LienthongError('invalid-subscription-request', {
    detail: 'The request body is not a valid replay or redrive request.',
    detailVi: 'Nội dung yêu cầu không phải yêu cầu phát lại hoặc gửi lại hợp lệ.',
    errors,
  });
}
