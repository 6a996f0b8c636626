import type { ProblemPointer } from '@lienthong/contracts';
import { LienthongError, closestTypeName, isMessageType } from '@lienthong/contracts';
import { personalDataInFilter } from './filter-disclosure.js';
import { keyIsPersonalData } from './key-pseudonym.js';
import { parseDisclosureBasis } from './disclosure-basis.js';
import { pointerTokens, pointersRevealing } from './projection.js';
import type { WebhookTargetPolicy } from './ssrf-guard.js';
import { WebhookTargetError, checkWebhookUrl } from './ssrf-guard.js';
import type { FilterPointer } from './subscription-filter.js';
import { isPayloadPointer, parseSubscriptionFilter } from './subscription-filter.js';
import type { DisclosurePurpose, SubscriptionFilter } from './subscription.js';

/** Bounds on one subscription request. */
export const SUBSCRIPTION_LIMITS = {
  maxTypes: 50,
  maxProjectionPointers: 100,
} as const;

/** A subscription as its agency asks for it; the gateway adds id, agency, status and the secret. */
export interface SubscriptionRequest {
  types: string[];
  filter?: SubscriptionFilter;
  projection?: string[];
  delivery: { mode: 'kafka' } | { mode: 'webhook'; url: string };
  purpose?: DisclosurePurpose;
  legalBasis?: string;
}

/** One registered schema version as the checks need it. */
export interface SubscribableSchema {
  schema: Readonly<Record<string, unknown>> | boolean;
  personalData: readonly string[];
  /** The record key pointer (`x-lienthong-key`): a filter on `subject` tests it. */
  keyPointer?: string;
}

/** What `validateSubscriptionRequest` needs to know about the registry and the caller. */
export interface SubscriptionValidationContext {
  /** Registered versions of a type, oldest first; empty when the type is not registered. */
  versionsOf(type: string): readonly SubscribableSchema[];
  /** Every registered type name (a mistyped one is answered with the closest). */
  types(): Iterable<string>;
  /** Whether the subscribing agency holds this grant for the type. */
  hasGrant(right: 'subscribe' | 'subscribe-personal-data', type: string): boolean;
  /** The webhook destination policy (the host name itself is resolved later, asynchronously). */
  webhookPolicy: WebhookTargetPolicy;
}

const MEMBERS = ['types', 'filter', 'projection', 'delivery', 'purpose', 'legalBasis'];

/**
 * Validates an untrusted subscription request (a parsed JSON body) and returns it normalised.
 * Throws LienthongError, checking in this order so the answer names the first thing to fix:
 * the shape (422 `invalid-subscription-request`, every failing pointer at once); the webhook
 * URL without the network (422 `webhook-url-refused`); the types exist (404 `unknown-type`);
 * the `subscribe` grant for each (403 `forbidden`); every filter and projection pointer names a
 * location the latest schema of at least one listed type can hold (422); no pointer reaches
 * personal data of a type without the `subscribe-personal-data` grant for it (403
 * `personal-data-not-granted`) — a filter on a personal field would reveal it by matching, and so
 * would a filter on the `subject` attribute of a type whose record key is personal data; with
 * that grant on any listed type, a purpose and a legal basis (422 `disclosure-basis-required`).
 */
export function validateSubscriptionRequest(
  body: unknown,
  ctx: SubscriptionValidationContext,
): SubscriptionRequest {
  const request = parseShape(body);

  if (request.delivery.mode === 'webhook') {
    try {
      checkWebhookUrl(request.delivery.url, ctx.webhookPolicy);
    } catch (error) {
      if (error instanceof WebhookTargetError) throw webhookUrlRefused(error);
      throw error;
    }
  }

  const unknown = request.types.flatMap((type, i) =>
    ctx.versionsOf(type).length === 0 ? [{ type, at: `/types/${i}` }] : [],
  );
  if (unknown.length > 0) {
    throw new LienthongError('unknown-type', {
      detail: `Not registered: ${unknown.map((u) => u.type).join(', ')}.`,
      detailVi: `Chưa được đăng ký: ${unknown.map((u) => u.type).join(', ')}.`,
      errors: unknown.map((u) => {
        const closest = closestTypeName(u.type, ctx.types());
        return {
          pointer: u.at,
          message: closest ? `no such message type; did you mean "${closest}"?` : 'no such message type',
          messageVi: closest
            ? `không có loại thông điệp này; loại thông điệp có tên gần nhất là "${closest}"`
            : 'không có loại thông điệp này',
        };
      }),
    });
  }

  const ungranted = request.types.flatMap((type, i) =>
    ctx.hasGrant('subscribe', type) ? [] : [{ type, at: `/types/${i}` }],
  );
  if (ungranted.length > 0) {
    throw new LienthongError('forbidden', {
      detail: `Your agency holds no subscribe grant for ${ungranted.map((u) => u.type).join(', ')}.`,
      detailVi: `Cơ quan của bạn chưa được cấp quyền subscribe cho ${ungranted.map((u) => u.type).join(', ')}.`,
      errors: ungranted.map((u) => ({
        pointer: u.at,
        message: 'subscribe grant missing',
        messageVi: 'thiếu quyền subscribe',
      })),
    });
  }

  const located: FilterPointer[] = [
    ...request.filterPointers,
    ...(request.projection ?? []).map((pointer, i) => ({ pointer, at: `/projection/${i}` })),
  ];
  const nowhere = located.filter(
    ({ pointer }) =>
      !request.types.some((type) => {
        const latest = ctx.versionsOf(type).at(-1);
        return latest === undefined || schemaCanHold(latest.schema, pointerTokens(pointer));
      }),
  );
  if (nowhere.length > 0) {
    throw invalid(
      nowhere.map(({ pointer, at }) => ({
        pointer: at,
        message: `${pointer} is not a field of the latest schema of any listed type`,
        messageVi: `${pointer} không phải trường nào trong lược đồ mới nhất của các loại đã liệt kê`,
      })),
    );
  }

  const personal: ProblemPointer[] = [];
  for (const type of request.types) {
    if (ctx.hasGrant('subscribe-personal-data', type)) continue;
    const personalData = [...new Set(ctx.versionsOf(type).flatMap((v) => v.personalData))];
    for (const { pointer, at } of located) {
      const [hit] = pointersRevealing([pointer], personalData);
      if (hit) {
        personal.push({
          pointer: at,
          message: `${pointer} is personal data of ${type} (${hit.personal})`,
          messageVi: `${pointer} là dữ liệu cá nhân của ${type} (${hit.personal})`,
        });
      }
    }
    const keyIsPersonal = ctx
      .versionsOf(type)
      .some((v) => v.keyPointer !== undefined && keyIsPersonalData(v.keyPointer, v.personalData));
    for (const { at } of personalDataInFilter(request.filter, { personalData: [], keyIsPersonal })) {
      personal.push({
        pointer: at,
        message: `subject is the record key of ${type}, which is personal data`,
        messageVi: `subject là khoá bản ghi của ${type}, thuộc dữ liệu cá nhân`,
      });
    }
  }
  if (personal.length > 0) {
    throw new LienthongError('personal-data-not-granted', {
      detail:
        'The filter or projection reaches personal data, which needs the subscribe-personal-data grant for the type. Without a projection, personal data is removed from every delivery.',
      detailVi:
        'Bộ lọc hoặc phép chiếu chạm tới dữ liệu cá nhân, cần quyền subscribe-personal-data cho loại thông điệp. Khi không có phép chiếu, dữ liệu cá nhân được loại bỏ khỏi mọi lần chuyển.',
      errors: personal,
    });
  }

  const personalTypes = request.types.filter((type) => ctx.hasGrant('subscribe-personal-data', type));
  if (personalTypes.length > 0) assertDisclosureBasis(request, personalTypes);

  const result: SubscriptionRequest = { types: request.types, delivery: request.delivery };
  if (request.filter !== undefined) result.filter = request.filter;
  if (request.projection !== undefined) result.projection = request.projection;
  if (request.purpose !== undefined) result.purpose = request.purpose;
  if (request.legalBasis !== undefined) result.legalBasis = request.legalBasis;
  return result;
}

function parseShape(body: unknown): SubscriptionRequest & { filterPointers: FilterPointer[] } {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw invalid([{ pointer: '', message: 'must be an object', messageVi: 'phải là một đối tượng' }]);
  }
  const value = body as Record<string, unknown>;
  const errors: ProblemPointer[] = [];
  for (const name of Object.keys(value)) {
    if (!MEMBERS.includes(name)) {
      errors.push({ pointer: `/${name}`, message: 'unknown member', messageVi: 'thành phần không xác định' });
    }
  }

  const types = value['types'];
  if (
    !Array.isArray(types) ||
    types.length === 0 ||
    types.length > SUBSCRIPTION_LIMITS.maxTypes ||
    !types.every((t) => typeof t === 'string' && isMessageType(t))
  ) {
    errors.push({
      pointer: '/types',
      message: `must list 1 to ${SUBSCRIPTION_LIMITS.maxTypes} message types, such as residence.registration`,
      messageVi: `phải liệt kê từ 1 đến ${SUBSCRIPTION_LIMITS.maxTypes} loại thông điệp, ví dụ residence.registration`,
    });
  } else if (new Set(types).size !== types.length) {
    errors.push({ pointer: '/types', message: 'lists a type twice', messageVi: 'liệt kê một loại hai lần' });
  }

  const filterPointers: FilterPointer[] = [];
  const filter =
    value['filter'] === undefined
      ? undefined
      : parseSubscriptionFilter(value['filter'], '/filter', errors, filterPointers);

  let projection: string[] | undefined;
  const rawProjection = value['projection'];
  if (rawProjection !== undefined) {
    if (
      !Array.isArray(rawProjection) ||
      rawProjection.length === 0 ||
      rawProjection.length > SUBSCRIPTION_LIMITS.maxProjectionPointers
    ) {
      errors.push({
        pointer: '/projection',
        message: `must list 1 to ${SUBSCRIPTION_LIMITS.maxProjectionPointers} JSON pointers (leave it out to receive whole records)`,
        messageVi: `phải liệt kê từ 1 đến ${SUBSCRIPTION_LIMITS.maxProjectionPointers} con trỏ JSON (bỏ trống để nhận toàn bộ bản ghi)`,
      });
    } else {
      rawProjection.forEach((p: unknown, i) => {
        if (!isPayloadPointer(p)) {
          errors.push({
            pointer: `/projection/${i}`,
            message: 'must be a non-empty RFC 6901 JSON pointer, such as /address/provinceCode',
            messageVi: 'phải là con trỏ JSON (RFC 6901) không rỗng, ví dụ /address/provinceCode',
          });
        } else if (rawProjection.indexOf(p) !== i) {
          errors.push({
            pointer: `/projection/${i}`,
            message: 'listed twice',
            messageVi: 'bị liệt kê hai lần',
          });
        }
      });
      projection = rawProjection as string[];
    }
  }

  const delivery = parseDelivery(value['delivery'], errors);
  const basis = parseDisclosureBasis(value, errors);
  if (errors.length > 0) throw invalid(errors);
  const request: SubscriptionRequest & { filterPointers: FilterPointer[] } = {
    types: types as string[],
    delivery: delivery!,
    filterPointers,
  };
  if (filter !== undefined) request.filter = filter;
  if (projection !== undefined) request.projection = [...projection];
  if (basis.purpose !== undefined) request.purpose = basis.purpose;
  if (basis.legalBasis !== undefined) request.legalBasis = basis.legalBasis;
  return request;
}

/**
 * Personal data is disclosed only for a stated purpose on a stated legal basis (Law 91/2025/QH15):
 * both are recorded with every disclosure, so a subscription that may receive it must name them.
 */
export function assertDisclosureBasis(
  basis: { purpose?: DisclosurePurpose; legalBasis?: string },
  personalTypes: readonly string[],
): void {
  const missing: ProblemPointer[] = [];
  if (basis.purpose === undefined) {
    missing.push({ pointer: '/purpose', message: 'is required', messageVi: 'là bắt buộc' });
  }
  if (basis.legalBasis === undefined) {
    missing.push({ pointer: '/legalBasis', message: 'is required', messageVi: 'là bắt buộc' });
  }
  if (missing.length === 0) return;
  throw new LienthongError('disclosure-basis-required', {
    detail: `Your agency receives personal data of ${personalTypes.join(', ')}: state the purpose and the legal basis.`,
    detailVi: `Cơ quan của bạn nhận dữ liệu cá nhân của ${personalTypes.join(', ')}: hãy nêu mục đích và căn cứ pháp lý.`,
    errors: missing,
  });
}

function parseDelivery(
  value: unknown,
  errors: ProblemPointer[],
): SubscriptionRequest['delivery'] | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    errors.push({
      pointer: '/delivery',
      message: 'must be {"mode":"kafka"} or {"mode":"webhook","url":"https://…"}',
      messageVi: 'phải là {"mode":"kafka"} hoặc {"mode":"webhook","url":"https://…"}',
    });
    return undefined;
  }
  const delivery = value as Record<string, unknown>;
  const mode = delivery['mode'];
  const allowed = mode === 'webhook' ? ['mode', 'url'] : ['mode'];
  for (const name of Object.keys(delivery)) {
    if (!allowed.includes(name)) {
      errors.push({
        pointer: `/delivery/${name}`,
        message: name === 'secret' ? 'the gateway generates the secret' : 'unknown member',
        messageVi: name === 'secret' ? 'cổng tự sinh khoá bí mật' : 'thành phần không xác định',
      });
    }
  }
  if (mode === 'kafka') return { mode };
  if (mode === 'webhook') {
    const url = delivery['url'];
    if (typeof url !== 'string' || url.length === 0) {
      errors.push({ pointer: '/delivery/url', message: 'is required', messageVi: 'là bắt buộc' });
      return undefined;
    }
    return { mode, url };
  }
  errors.push({
    pointer: '/delivery/mode',
    message: 'must be kafka or webhook',
    messageVi: 'phải là kafka hoặc webhook',
  });
  return undefined;
}

/** The refusal of a webhook URL, as the API reports it. */
export function webhookUrlRefused(error: WebhookTargetError): LienthongError {
  return new LienthongError('webhook-url-refused', {
    detail: `The webhook URL is refused: ${error.message}.`,
    detailVi: `URL webhook bị từ chối: ${error.messageVi}.`,
    errors: [
      { pointer: '/delivery/url', keyword: error.reason, message: error.message, messageVi: error.messageVi },
    ],
  });
}

function invalid(errors: ProblemPointer[]): LienthongError {
  return new LienthongError('invalid-subscription-request', {
    detail: 'The request body does not describe a valid subscription.',
    detailVi: 'Nội dung yêu cầu không mô tả một đăng ký nhận dữ liệu hợp lệ.',
    errors,
  });
}

// ---- can a schema hold a value at this location? ----

/** Steps one check may take: recursive `$ref`s under `anyOf` could otherwise branch without end. */
const MAX_SCHEMA_STEPS = 10_000;
const MAX_SCHEMA_DEPTH = 64;

/**
 * Whether some instance valid against `schema` could have a value at the pointer `tokens`.
 * Deliberately generous: only a definite "no" counts (a closed object without that member, a
 * scalar type, an index past `maxItems`); anything it does not model — remote references,
 * `patternProperties`, conditionals, `unevaluatedProperties` — answers "maybe".
 */
export function schemaCanHold(
  schema: Readonly<Record<string, unknown>> | boolean,
  tokens: string[],
): boolean {
  return canHold(schema, schema, tokens, 0, { steps: 0 });
}

function canHold(
  root: unknown,
  schema: unknown,
  tokens: string[],
  depth: number,
  budget: { steps: number },
): boolean {
  if (schema === false) return false;
  if (schema === true || schema === null || typeof schema !== 'object' || Array.isArray(schema)) return true;
  if (tokens.length === 0 || depth > MAX_SCHEMA_DEPTH || ++budget.steps > MAX_SCHEMA_STEPS) return true;
  const s = schema as Record<string, unknown>;
  const next = (sub: unknown, rest: string[]) => canHold(root, sub, rest, depth + 1, budget);

  const ref = s['$ref'];
  if (typeof ref === 'string' && !next(resolveLocalRef(root, ref), tokens)) return false;
  const allOf = s['allOf'];
  if (Array.isArray(allOf) && !allOf.every((sub) => next(sub, tokens))) return false;
  for (const keyword of ['anyOf', 'oneOf']) {
    const list = s[keyword];
    if (Array.isArray(list) && list.length > 0 && !list.some((sub) => next(sub, tokens))) return false;
  }

  const [token, ...rest] = tokens as [string, ...string[]];
  const types =
    typeof s['type'] === 'string' ? [s['type']] : Array.isArray(s['type']) ? s['type'] : undefined;
  const asObject = types === undefined || types.includes('object');
  const asArray = types === undefined || types.includes('array');
  return (asObject && objectCanHold(s, token, rest, next)) || (asArray && arrayCanHold(s, token, rest, next));
}

function objectCanHold(
  s: Record<string, unknown>,
  token: string,
  rest: string[],
  next: (sub: unknown, rest: string[]) => boolean,
): boolean {
  const properties = s['properties'];
  if (properties !== null && typeof properties === 'object' && Object.hasOwn(properties, token)) {
    return next((properties as Record<string, unknown>)[token], rest);
  }
  if (s['patternProperties'] !== undefined) return true;
  return next(s['additionalProperties'] ?? true, rest);
}

function arrayCanHold(
  s: Record<string, unknown>,
  token: string,
  rest: string[],
  next: (sub: unknown, rest: string[]) => boolean,
): boolean {
  if (!/^(0|[1-9][0-9]*)$/.test(token)) return false;
  const index = Number(token);
  const maxItems = s['maxItems'];
  if (typeof maxItems === 'number' && index >= maxItems) return false;
  const prefix = Array.isArray(s['prefixItems'])
    ? s['prefixItems']
    : Array.isArray(s['items'])
      ? s['items']
      : [];
  if (index < prefix.length) return next(prefix[index], rest);
  const items = Array.isArray(s['items']) ? s['additionalItems'] : s['items'];
  return next(items ?? true, rest);
}

/** A `#…` reference inside the same document; undefined (anything goes) for any other. */
function resolveLocalRef(root: unknown, ref: string): unknown {
  if (!ref.startsWith('#')) return undefined;
  let fragment: string;
  try {
    fragment = decodeURIComponent(ref.slice(1));
  } catch {
    return undefined;
  }
  if (fragment !== '' && !fragment.startsWith('/')) return undefined; // an anchor: not modelled
  let node: unknown = root;
  for (const token of pointerTokens(fragment)) {
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, token)) return undefined;
    node = (node as Record<string, unknown>)[token];
  }
  return node;
}
