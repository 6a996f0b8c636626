import { spawnSync } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createKafkaClient } from '@lienthong/kafka';
import type { LabelBounds } from '@lienthong/observability';
import {
  AUTH_FAILURE_CONTEXTS,
  AUTH_FAILURE_REASONS,
  ConsumerLagCollector,
  DELIVERY_MODES,
  DELIVERY_OUTCOMES,
  HTTP_METHODS,
  HTTP_STATUSES,
  LienthongMetrics,
  REJECTION_REASONS,
  SCHEMA_VERSION_STATES,
  TOPIC_FAMILIES,
} from '@lienthong/observability';
import { createClientAssertion } from '@lienthong/trust';
import { generateKeyPair } from 'jose';
import type { Kafka } from 'kafkajs';
import type { TestAgency } from '../support/agencies.util.js';
import { readCatalogueFixtures } from '../support/catalogue-fixtures.util.js';
import type { RunningGateway } from '../support/gateway.util.js';
import { startGateway } from '../support/gateway.util.js';
import { pollUntil } from '../support/poll-until.util.js';

const fixtures = readCatalogueFixtures();

const PROMTOOL_MISSING =
  'promtool is not on PATH. It comes with the Prometheus tools: on Debian or Ubuntu run ' +
  '`apt-get install prometheus` (as root; the service it installs need not run). See README "Quick start".';

/** `promtool check metrics` on an exposition text; fails the test when promtool is missing. */
function promtoolCheckMetrics(text: string): { status: number | null; output: string } {
  const result = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  if (result.error && 'code' in result.error && result.error.code === 'ENOENT')
    throw new Error(PROMTOOL_MISSING);
  if (result.error) throw result.error;
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

interface Exposition {
  samples: Sample[];
  /** Metric family name to its declared type. */
  types: Map<string, string>;
}

/** Parses the text exposition format 0.0.4 (label values here never contain quotes). */
function parseExposition(text: string): Exposition {
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type) types.set(type[1]!, type[2]!);
    if (line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) throw new Error(`not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="([^"]*)"/g)) {
      labels[key!] = value!;
    }
    samples.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return { samples, types };
}

function find(exposition: Exposition, name: string, labels: Record<string, string> = {}): Sample[] {
  return exposition.samples.filter(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
}

function sum(exposition: Exposition, name: string, labels: Record<string, string> = {}): number {
  return find(exposition, name, labels).reduce((total, s) => total + s.value, 0);
}

/** The family a sample belongs to (a histogram's `_bucket`, `_sum`, `_count` lines are its own). */
function familyOf(exposition: Exposition, sampleName: string): string {
  const base = sampleName.replace(/_(bucket|sum|count)$/, '');
  return exposition.types.get(base) === 'histogram' ? base : sampleName;
}

const isRuntimeFamily = (family: string): boolean => /^lienthong_(process|nodejs)_/.test(family);

/**
 * The most series a family may have, from the allow-lists alone: the product of the number of
 * values each of its labels may take (the allow-list plus `other`), times the lines of one
 * histogram series. Independent of how many distinct values clients send.
 */
function familyBound(family: string, labelNames: string[], bounds: LabelBounds, bucketLines: number): number {
  const sizes = bounds.sizes();
  const allowed: Record<string, number> = {
    type: sizes.types + 1,
    agency: sizes.agencies + 1,
    subscription: sizes.subscriptions + 1,
    route: sizes.routes + 1,
    group: sizes.groups + 1,
    method: HTTP_METHODS.length + 1,
    status: HTTP_STATUSES.length + 1,
    reason:
      family === 'lienthong_auth_failures_total'
        ? AUTH_FAILURE_REASONS.length + 1
        : REJECTION_REASONS.length + 1,
    context: AUTH_FAILURE_CONTEXTS.length + 1,
    topic_family: TOPIC_FAMILIES.length + 1,
    state: SCHEMA_VERSION_STATES.length,
    outcome: DELIVERY_OUTCOMES.length + 1,
    mode: DELIVERY_MODES.length + 1,
    kid: 1,
  };
  let bound = bucketLines;
  for (const label of labelNames) {
    const values = allowed[label];
    if (values === undefined) throw new Error(`${family}: label ${label} has no allow-list in this test`);
    bound *= values;
  }
  return bound;
}

const randomHex = (bytes: number): string => randomBytes(bytes).toString('hex');
const randomType = (): string => `flood.${randomHex(6)}`;
const randomAgencyId = (): string =>
  `${randomInt(100, 999)}.${randomInt(10, 99)}.${randomInt(10, 99)}.X${randomInt(10, 99)}`;

/** Runs `tasks` with at most `width` in flight. */
async function inParallel(tasks: (() => Promise<unknown>)[], width = 32): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < tasks.length) await tasks[next++]!();
    }),
  );
}

describe('GET /metrics on a real gateway', () => {
  let gateway: RunningGateway;
  let publisher: TestAgency;
  let bounds: LabelBounds;

  const scrape = async (): Promise<{ text: string; exposition: Exposition }> => {
    const response = await fetch(`${gateway.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = await response.text();
    return { text, exposition: parseExposition(text) };
  };

  const publish = (type: string, body: unknown): Promise<Response> =>
    publishAs(gateway, publisher, type, body);

  beforeAll(async () => {
    gateway = await startGateway();
    publisher = await gateway.publisher();
    bounds = gateway.app.get(LienthongMetrics).bounds;
  });

  afterAll(async () => {
    await gateway?.close();
  });

  it('needs no token', async () => {
    const response = await fetch(`${gateway.url}/metrics`);
    expect(response.status).toBe(200);
  });

  it('reports publishing by type, agency and reason, with the HTTP, Kafka, registry and process metrics', async () => {
    for (const fixture of fixtures) {
      expect((await publish(fixture.type, fixture.ok[0])).status).toBe(202);
      expect((await publish(fixture.type, fixture.notOk[0]!.payload)).status).toBe(422);
    }
    const { exposition } = await scrape();
    const publishRoute = { method: 'POST', route: '/v1/messages/:type' };

    expect(
      sum(exposition, 'lienthong_http_request_duration_seconds_count', { ...publishRoute, status: '202' }),
    ).toBe(fixtures.length);
    expect(
      sum(exposition, 'lienthong_http_request_duration_seconds_count', { ...publishRoute, status: '422' }),
    ).toBe(fixtures.length);
    for (const fixture of fixtures) {
      const labels = { type: fixture.type, agency: publisher.id };
      expect(sum(exposition, 'lienthong_records_accepted_total', labels)).toBe(1);
      expect(
        sum(exposition, 'lienthong_records_rejected_total', { ...labels, reason: 'validation-failed' }),
      ).toBe(1);
      expect(
        sum(exposition, 'lienthong_schema_validation_duration_seconds_count', { type: fixture.type }),
      ).toBeGreaterThanOrEqual(2);
    }
    expect(
      sum(exposition, 'lienthong_kafka_produce_duration_seconds_count', { topic_family: 'records' }),
    ).toBeGreaterThanOrEqual(fixtures.length);
    expect(sum(exposition, 'lienthong_kafka_produce_errors_total')).toBe(0);
    expect(sum(exposition, 'lienthong_receipt_signing_duration_seconds_count')).toBeGreaterThanOrEqual(
      fixtures.length,
    );
    expect(sum(exposition, 'lienthong_tokens_issued_total', { agency: publisher.id })).toBeGreaterThanOrEqual(
      1,
    );

    expect(sum(exposition, 'lienthong_registry_caught_up')).toBe(1);
    expect(sum(exposition, 'lienthong_registry_types')).toBeGreaterThanOrEqual(fixtures.length);
    expect(sum(exposition, 'lienthong_registry_schema_versions', { state: 'active' })).toBeGreaterThanOrEqual(
      fixtures.length,
    );
    expect(sum(exposition, 'lienthong_registry_records_applied_total')).toBeGreaterThan(0);
    expect(sum(exposition, 'lienthong_kafka_reachable')).toBe(1);
    expect(find(exposition, 'lienthong_signing_key_created_timestamp_seconds')).toHaveLength(1);

    expect(sum(exposition, 'lienthong_process_resident_memory_bytes')).toBeGreaterThan(0);
    const started = sum(exposition, 'lienthong_process_start_time_seconds');
    expect(Math.abs(started - Date.now() / 1000)).toBeLessThan(3600);

    // Every histogram series: cumulative buckets, and +Inf equal to the count.
    for (const bucket of exposition.samples.filter((s) => s.name.endsWith('_bucket'))) {
      const { le, ...series } = bucket.labels;
      const base = bucket.name.slice(0, -'_bucket'.length);
      const buckets = find(exposition, bucket.name, series).filter(
        (b) => Object.keys(b.labels).length === Object.keys(series).length + 1,
      );
      const count = find(exposition, `${base}_count`, series).find(
        (c) => Object.keys(c.labels).length === Object.keys(series).length,
      );
      if (le === '+Inf') expect(bucket.value).toBe(count?.value);
      const values = buckets.map((b) => b.value);
      expect(values).toEqual([...values].sort((a, b) => a - b));
    }
  });

  it('passes promtool check metrics', async () => {
    const { text } = await scrape();
    const result = promtoolCheckMetrics(text);
    expect(result.output).toBe('');
    expect(result.status).toBe(0);
  });

  it('keeps the number of series bounded by the allow-lists under a flood of random types, agencies and paths', async () => {
    const { privateKey } = await generateKeyPair('ES256');
    const sent = new Set<string>();
    const flood = async (): Promise<void> => {
      const tasks: (() => Promise<unknown>)[] = [];
      for (let i = 0; i < 500; i++) {
        const type = randomType();
        const agency = randomAgencyId();
        const path = `/${randomHex(4)}/${randomHex(4)}`;
        sent.add(type).add(agency).add(path);
        tasks.push(
          // an unknown type, by a real publisher
          () => publish(type, { any: 'thing' }),
          // an agency id nobody registered: looked up by the operator, and asking for a token
          () => fetch(`${gateway.url}/v1/agencies/${agency}`, { headers: gateway.operator.auth() }),
          async () =>
            fetch(`${gateway.url}/oauth/token`, {
              method: 'POST',
              headers: { 'content-type': 'application/x-www-form-urlencoded' },
              body: new URLSearchParams({
                grant_type: 'client_credentials',
                client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
                client_assertion: await createClientAssertion({
                  agencyId: agency,
                  audience: gateway.config.issuer,
                  privateKey,
                  kid: `k${randomHex(4)}`,
                  alg: 'ES256',
                }),
              }),
            }),
          // a path no route matches, with assorted methods, and a made-up token
          () => fetch(`${gateway.url}${path}`, { method: ['GET', 'POST', 'DELETE', 'PROPFIND'][i % 4]! }),
          () =>
            fetch(`${gateway.url}/v1/messages/${type}`, {
              method: 'POST',
              headers: { 'content-type': 'application/json', authorization: `Bearer ${randomHex(16)}` },
              body: '{}',
            }),
        );
      }
      await inParallel(tasks.map((task) => () => task().then((r) => (r as Response).arrayBuffer())));
    };

    const seriesOf = (exposition: Exposition) => {
      const byFamily = new Map<string, { labelNames: Set<string>; lines: number }>();
      for (const sample of exposition.samples) {
        const family = familyOf(exposition, sample.name);
        const entry = byFamily.get(family) ?? { labelNames: new Set<string>(), lines: 0 };
        for (const label of Object.keys(sample.labels)) if (label !== 'le') entry.labelNames.add(label);
        entry.lines++;
        byFamily.set(family, entry);
      }
      return byFamily;
    };

    await scrape(); // the scrape's own series (GET /metrics) exists from here on
    await flood();
    const first = await scrape();
    const families = seriesOf(first.exposition);
    let appSeries = 0;
    let appBound = 0;
    let runtimeSeries = 0;
    for (const [family, { labelNames, lines }] of families) {
      if (isRuntimeFamily(family)) {
        runtimeSeries += lines;
        continue;
      }
      const buckets = new Set(find(first.exposition, `${family}_bucket`).map((s) => s.labels['le'])).size;
      const bound = familyBound(family, [...labelNames], bounds, buckets > 0 ? buckets + 2 : 1);
      expect({ family, lines }).toEqual({ family, lines: Math.min(lines, bound) });
      appSeries += lines;
      appBound += bound;
    }
    expect(appSeries).toBeLessThanOrEqual(appBound);
    // Process and runtime metrics depend on the runtime only (handle types, heap spaces, GC kinds).
    expect(runtimeSeries).toBeLessThan(200);

    // Not one of the 1,500 random values reached a label; what is there is allowed.
    for (const value of sent) expect(first.text).not.toContain(value);
    for (const sample of first.exposition.samples) {
      if (isRuntimeFamily(familyOf(first.exposition, sample.name))) continue;
      const { type, agency, route } = sample.labels;
      if (type !== undefined) expect(bounds.type(type)).toBe(type);
      if (agency !== undefined) expect(bounds.agency(agency)).toBe(agency);
      if (route !== undefined) expect(bounds.route(route)).toBe(route);
    }
    expect(
      find(first.exposition, 'lienthong_http_request_duration_seconds_count', { route: 'other' }).length,
    ).toBeGreaterThan(0);

    // A second flood of new values adds no series at all.
    await flood();
    const second = await scrape();
    const seriesKeys = (e: Exposition): string[] =>
      e.samples
        .filter((s) => !isRuntimeFamily(familyOf(e, s.name)))
        .map((s) => `${s.name}${JSON.stringify(s.labels)}`)
        .sort();
    expect(seriesKeys(second.exposition)).toEqual(seriesKeys(first.exposition));
    expect(promtoolCheckMetrics(second.text).status).toBe(0);
  }, 180_000);
});

describe('lienthong_consumer_lag from real Kafka offsets', () => {
  let gateway: RunningGateway;
  let publisher: TestAgency;
  let kafka: Kafka;
  let collector: ConsumerLagCollector;
  const fixture = fixtures[0]!;
  const topic = `lienthong.records.${fixture.type}`;
  const group = `metrics-e2e-${randomHex(4)}`;

  beforeAll(async () => {
    gateway = await startGateway();
    publisher = await gateway.publisher();
    kafka = createKafkaClient({ brokers: gateway.config.kafkaBrokers, clientId: 'metrics-e2e' });
  });

  afterAll(async () => {
    await collector?.close();
    await gateway?.close();
  });

  it('is the end offset minus the committed offset, per partition, refreshed after the cache period', async () => {
    const admin = kafka.admin();
    await admin.connect();
    let ends: { partition: number; high: string }[];
    try {
      ends = await admin.fetchTopicOffsets(topic);
      // The group has read everything so far.
      await admin.setOffsets({
        groupId: group,
        topic,
        partitions: ends.map((e) => ({ partition: e.partition, offset: e.high })),
      });
    } finally {
      await admin.disconnect();
    }

    const metrics = new LienthongMetrics({ defaultMetrics: false });
    metrics.bounds.allowTypes([fixture.type]);
    metrics.bounds.allowGroups([group]);
    collector = new ConsumerLagCollector({ kafka, groups: [group], cacheMs: 200 });
    metrics.watchConsumerLag(collector);

    let exposition = parseExposition(await metrics.text());
    expect(find(exposition, 'lienthong_consumer_lag', { group, topic })).toHaveLength(ends.length);
    expect(sum(exposition, 'lienthong_consumer_lag', { group, topic })).toBe(0);

    for (const example of fixture.ok.slice(0, 3)) {
      expect((await publishAs(gateway, publisher, fixture.type, example)).status).toBe(202);
    }
    exposition = await pollUntil(
      async () => {
        const e = parseExposition(await metrics.text());
        return sum(e, 'lienthong_consumer_lag', { group, topic }) === 3 ? e : undefined;
      },
      { timeoutMs: 10_000, intervalMs: 100, description: 'lag of 3 after three publishes' },
    );
    for (const sample of find(exposition, 'lienthong_consumer_lag', { group, topic })) {
      expect(Number(sample.labels['partition'])).toBeGreaterThanOrEqual(0);
    }
    expect(promtoolCheckMetrics(await metrics.text()).status).toBe(0);
  });
});

function publishAs(
  gateway: RunningGateway,
  agency: TestAgency,
  type: string,
  body: unknown,
): Promise<Response> {
  return fetch(`${gateway.url}/v1/messages/${type}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...agency.auth() },
    body: JSON.stringify(body),
  });
}
