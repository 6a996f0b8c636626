import { randomBytes } from 'node:crypto';
import type { TestAgency } from '../../support/agencies.util.js';
import type { RunningGateway } from '../../support/gateway.util.js';
import type { CollectedRecord } from '../../support/record-collector.util.js';
import { DELIVERY_HEADERS } from '@lienthong/contracts';

/**
 * What the router fault scenarios share: a record type of their own (so no other test's
 * records or subscriptions are on its topic), subscribers created through the gateway API as an
 * agency would, publishing, and counting by record id.
 */

export interface CreatedSubscription {
  id: string;
  agency: TestAgency;
  delivery: { mode: 'kafka' } | { mode: 'webhook'; url: string; secret: string };
}

/** A fresh type `faults.<name>-<random>` owned and publishable by `integrator`. */
export async function registerFaultType(
  gateway: RunningGateway,
  integrator: TestAgency,
  name: string,
): Promise<string> {
  const type = `faults.${name}-${randomBytes(3).toString('hex')}`;
  const response = await fetch(`${gateway.url}/v1/schemas/${type}/versions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...integrator.auth() },
    body: JSON.stringify({
      schema: {
        $schema: 'https://json-schema.org/draft/2020-12/schema',
        type: 'object',
        additionalProperties: false,
        required: ['code', 'n'],
        properties: {
          code: { type: 'string', maxLength: 40 },
          n: { type: 'integer', minimum: 0 },
          note: { type: 'string', maxLength: 200 },
        },
      },
      metadata: {
        owner: integrator.id,
        description: { vi: 'Loại thử nghiệm lỗi', en: 'Fault-injection test type' },
        keyPointer: '/code',
        personalData: [],
        signatureRequired: false,
        examples: [{ code: 'F-1', n: 1 }],
      },
    }),
  });
  if (response.status !== 201)
    throw new Error(`register ${type}: ${response.status} ${await response.text()}`);
  await grant(gateway, integrator, 'publish', type);
  return type;
}

async function grant(
  gateway: RunningGateway,
  agency: TestAgency,
  right: string,
  type: string,
): Promise<void> {
  const response = await fetch(`${gateway.url}/v1/agencies/${agency.id}/grants/${right}/${type}`, {
    method: 'PUT',
    headers: gateway.operator.auth(),
  });
  if (response.status !== 200) throw new Error(`grant ${right}: ${response.status} ${await response.text()}`);
}

/** A new subscribing agency granted `subscribe` on `type`, and its subscription. */
export async function subscribe(
  gateway: RunningGateway,
  type: string,
  delivery: { mode: 'kafka' } | { mode: 'webhook'; url: string },
): Promise<CreatedSubscription> {
  const agency = await gateway.createAgency({ roles: ['subscriber'] });
  await grant(gateway, agency, 'subscribe', type);
  const response = await fetch(`${gateway.url}/v1/subscriptions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...agency.auth() },
    body: JSON.stringify({ types: [type], delivery }),
  });
  if (response.status !== 201) throw new Error(`subscribe: ${response.status} ${await response.text()}`);
  const created = (await response.json()) as Omit<CreatedSubscription, 'agency'>;
  return { ...created, agency };
}

/** Deletes a subscription, so later routers stop delivering to a receiver this test closed. */
export async function unsubscribe(gateway: RunningGateway, subscription: CreatedSubscription): Promise<void> {
  await fetch(`${gateway.url}/v1/subscriptions/${subscription.id}`, {
    method: 'DELETE',
    headers: subscription.agency.auth(),
  }).then((r) => r.arrayBuffer());
}

/** A valid record of a fault type; `n` makes it unique within the run. */
export function faultRecord(n: number, run: string): { code: string; n: number; note: string } {
  return { code: `F-${run}-${n}`, n, note: 'Bản ghi thử nghiệm lỗi' };
}

/** Publishes records in one batch request; the ids Kafka accepted, in order. */
export async function publishBatch(
  gateway: RunningGateway,
  publisher: TestAgency,
  type: string,
  records: unknown[],
): Promise<string[]> {
  const response = await fetch(`${gateway.url}/v1/messages/${type}/batch`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...publisher.auth() },
    body: JSON.stringify(records),
  });
  // 200 with per-record results (the single-record route answers 202).
  if (response.status !== 200 && response.status !== 202)
    throw new Error(`batch: ${response.status} ${(await response.text()).slice(0, 500)}`);
  const result = (await response.json()) as { results: { status: string; id?: string }[] };
  const ids = result.results.map((r) => r.id);
  if (ids.some((id) => id === undefined)) throw new Error(`batch: some records refused`);
  return ids as string[];
}

/** Publishes one record; its id. */
export async function publishOne(
  gateway: RunningGateway,
  publisher: TestAgency,
  type: string,
  record: unknown,
): Promise<string> {
  const response = await fetch(`${gateway.url}/v1/messages/${type}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...publisher.auth() },
    body: JSON.stringify(record),
  });
  if (response.status !== 202) throw new Error(`publish: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { id: string }).id;
}

/** How many times each id occurs. */
export function countIds(ids: Iterable<string | undefined>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const id of ids) if (id !== undefined) counts.set(id, (counts.get(id) ?? 0) + 1);
  return counts;
}

/** Per subscriber: which published ids it has, which it misses, and the extra copies. */
export interface DeliveryCount {
  published: number;
  delivered: number;
  missing: string[];
  duplicates: number;
}

export function deliveryCount(published: readonly string[], received: Map<string, number>): DeliveryCount {
  const missing = published.filter((id) => !received.has(id));
  let duplicates = 0;
  for (const id of published) duplicates += Math.max(0, (received.get(id) ?? 0) - 1);
  return { published: published.length, delivered: published.length - missing.length, missing, duplicates };
}

/** The dead letters of one subscription, from a collector on `lienthong.dlq`. */
export function deadLettersOf(dlq: readonly CollectedRecord[], subscriptionId: string): CollectedRecord[] {
  return dlq.filter((r) => r.headers[DELIVERY_HEADERS.subscription] === subscriptionId);
}
