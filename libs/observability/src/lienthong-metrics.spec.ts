import { randomBytes } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { LabelBounds } from './label-bounds.js';
import type { PartitionLag } from './lienthong-metrics.js';
import { BUCKETS, LienthongMetrics } from './lienthong-metrics.js';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Samples of the text exposition format (enough of it for these tests: no escaped quotes). */
function samples(text: string): Sample[] {
  return text
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
      if (!match) throw new Error(`not a sample line: ${line}`);
      const labels: Record<string, string> = {};
      for (const [, key, value] of (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="([^"]*)"/g)) {
        labels[key!] = value!;
      }
      return { name: match[1]!, labels, value: Number(match[3]) };
    });
}

function value(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  return samples(text).find(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  )?.value;
}

const randomId = (): string => randomBytes(6).toString('hex');

function metricsWithBounds(): LienthongMetrics {
  const bounds = new LabelBounds();
  bounds.allowTypes(['residence.registration', 'civil.birth']);
  bounds.allowAgencies(['000.00.00.G12', '000.00.00.A00']);
  bounds.allowRoutes(['/v1/messages/:type']);
  return new LienthongMetrics({ bounds, defaultMetrics: false });
}

describe('LienthongMetrics', () => {
  it('exposes the process metrics with the lienthong_ prefix, without the gauges named _total', async () => {
    const text = await new LienthongMetrics().text();
    expect(text).toContain('# TYPE lienthong_process_cpu_seconds_total counter');
    expect(text).toContain('# TYPE lienthong_nodejs_eventloop_lag_seconds gauge');
    expect(text).toContain('# TYPE lienthong_nodejs_active_handles gauge');
    expect(text).not.toMatch(/^# TYPE \S+_total gauge$/m);
  });

  it('declares every instrumented family with help and type', async () => {
    const text = await new LienthongMetrics({ defaultMetrics: false }).text();
    for (const [name, type] of [
      ['lienthong_http_request_duration_seconds', 'histogram'],
      ['lienthong_records_accepted_total', 'counter'],
      ['lienthong_records_rejected_total', 'counter'],
      ['lienthong_schema_validation_duration_seconds', 'histogram'],
      ['lienthong_kafka_produce_duration_seconds', 'histogram'],
      ['lienthong_kafka_produce_errors_total', 'counter'],
      ['lienthong_tokens_issued_total', 'counter'],
      ['lienthong_auth_failures_total', 'counter'],
      ['lienthong_receipt_signing_duration_seconds', 'histogram'],
      ['lienthong_schema_deprecated_version_used_total', 'counter'],
      ['lienthong_deliveries_total', 'counter'],
      ['lienthong_delivery_duration_seconds', 'histogram'],
    ]) {
      expect(text).toContain(`# TYPE ${name} ${type}`);
      expect(text).toMatch(new RegExp(`^# HELP ${name} \\S`, 'm'));
    }
  });

  it('keeps one registry per instance, so two apps in one process do not collide', async () => {
    const a = metricsWithBounds();
    const b = metricsWithBounds();
    a.accepted('residence.registration', '000.00.00.G12');
    expect(value(await a.text(), 'lienthong_records_accepted_total')).toBe(1);
    expect(value(await b.text(), 'lienthong_records_accepted_total')).toBeUndefined();
  });

  it('records accepted and rejected records by type, agency and reason', async () => {
    const metrics = metricsWithBounds();
    metrics.accepted('residence.registration', '000.00.00.G12');
    metrics.accepted('residence.registration', '000.00.00.G12');
    metrics.rejected('civil.birth', '000.00.00.A00', 'validation-failed');
    metrics.rejected(undefined, undefined, 'unknown-type');
    const text = await metrics.text();
    expect(
      value(text, 'lienthong_records_accepted_total', {
        type: 'residence.registration',
        agency: '000.00.00.G12',
      }),
    ).toBe(2);
    expect(
      value(text, 'lienthong_records_rejected_total', {
        type: 'civil.birth',
        agency: '000.00.00.A00',
        reason: 'validation-failed',
      }),
    ).toBe(1);
    expect(
      value(text, 'lienthong_records_rejected_total', {
        type: 'other',
        agency: 'other',
        reason: 'unknown-type',
      }),
    ).toBe(1);
  });

  it('does not grow with random types, agencies, reasons, routes and methods', async () => {
    const metrics = metricsWithBounds();
    const sent = new Set<string>();
    const random = (): string => {
      const id = randomId();
      sent.add(id);
      return id;
    };
    const flood = (): void => {
      for (let i = 0; i < 500; i++) {
        metrics.accepted(random(), random());
        metrics.rejected(random(), `000.00.00.${random()}`, random());
        metrics.schemaValidation(random(), 0.001);
        metrics.tokenIssued(random());
        metrics.authFailure(random(), random());
        metrics.deprecatedVersionUsed(random());
        metrics.delivery(random(), 'delivered');
        metrics.kafkaProduced(`lienthong.records.${random()}`, 0.01);
        metrics.kafkaProduceFailed(random());
        metrics.httpRequest(random(), `/${random()}`, 200 + (i % 400), 0.01);
      }
    };
    flood();
    const first = samples(await metrics.text()).length;
    flood();
    const text = await metrics.text();
    expect(samples(text).length).toBe(first);
    // Statuses are the only label taking many values here: at most every listed one, plus other.
    expect(first).toBeLessThan(60 * (BUCKETS.http.length + 3) + 200);
    for (const id of sent) expect(text).not.toContain(id);
  });

  it('times a Kafka write, or counts its failure, by topic family', async () => {
    const metrics = metricsWithBounds();
    await expect(
      metrics.timeProduce('lienthong.records.civil.birth', () => Promise.resolve('ok')),
    ).resolves.toBe('ok');
    await expect(
      metrics.timeProduce('lienthong.registry', () => Promise.reject(new Error('broker down'))),
    ).rejects.toThrow('broker down');
    metrics.kafkaProduced('audit', 0.2);
    const text = await metrics.text();
    expect(value(text, 'lienthong_kafka_produce_duration_seconds_count', { topic_family: 'records' })).toBe(
      1,
    );
    expect(value(text, 'lienthong_kafka_produce_duration_seconds_count', { topic_family: 'audit' })).toBe(1);
    expect(value(text, 'lienthong_kafka_produce_errors_total', { topic_family: 'registry' })).toBe(1);
  });

  it('labels HTTP requests by method, route pattern and status', async () => {
    const metrics = metricsWithBounds();
    metrics.httpRequest('POST', '/v1/messages/:type', 202, 0.03);
    metrics.httpRequest('GET', undefined, 404, 0.001);
    const text = await metrics.text();
    expect(
      value(text, 'lienthong_http_request_duration_seconds_bucket', {
        method: 'POST',
        route: '/v1/messages/:type',
        status: '202',
        le: '0.05',
      }),
    ).toBe(1);
    expect(
      value(text, 'lienthong_http_request_duration_seconds_count', {
        method: 'GET',
        route: 'other',
        status: '404',
      }),
    ).toBe(1);
  });

  it('shows the registry metrics once a registry is watched, read at each scrape', async () => {
    const metrics = metricsWithBounds();
    expect(await metrics.text()).not.toContain('lienthong_registry_caught_up');
    const registry = { caughtUp: false, applied: 3 };
    metrics.watchRegistry({
      isCaughtUp: () => registry.caughtUp,
      recordsApplied: () => registry.applied,
      typeCount: () => 2,
      versionCounts: () => ({ active: 3, deprecated: 1 }),
    });
    let text = await metrics.text();
    expect(value(text, 'lienthong_registry_caught_up')).toBe(0);
    expect(value(text, 'lienthong_registry_records_applied_total')).toBe(3);
    expect(value(text, 'lienthong_registry_types')).toBe(2);
    expect(value(text, 'lienthong_registry_schema_versions', { state: 'active' })).toBe(3);
    expect(value(text, 'lienthong_registry_schema_versions', { state: 'deprecated' })).toBe(1);
    expect(value(text, 'lienthong_registry_schema_versions', { state: 'disabled' })).toBe(0);
    registry.caughtUp = true;
    registry.applied = 10;
    text = await metrics.text();
    expect(value(text, 'lienthong_registry_caught_up')).toBe(1);
    expect(value(text, 'lienthong_registry_records_applied_total')).toBe(10);
    text = await metrics.text();
    expect(value(text, 'lienthong_registry_records_applied_total')).toBe(10);
  });

  it('reports consumer lag with bounded topic and group labels', async () => {
    const metrics = metricsWithBounds();
    metrics.bounds.allowGroups(['lienthong-router']);
    let lag: PartitionLag[] = [
      { group: 'lienthong-router', topic: 'lienthong.records.civil.birth', partition: 0, lag: 5 },
      { group: 'lienthong-router', topic: 'lienthong.records.unregistered', partition: 0, lag: 2 },
      { group: 'lienthong-router', topic: 'lienthong.records.other-unregistered', partition: 0, lag: 3 },
      { group: 'someone-else', topic: 'lienthong.records.civil.birth', partition: 1, lag: 7 },
    ];
    metrics.watchConsumerLag({ lag: () => Promise.resolve(lag) });
    let text = await metrics.text();
    const consumer = { group: 'lienthong-router', partition: '0' };
    expect(
      value(text, 'lienthong_consumer_lag', { ...consumer, topic: 'lienthong.records.civil.birth' }),
    ).toBe(5);
    expect(value(text, 'lienthong_consumer_lag', { ...consumer, topic: 'other' })).toBe(5);
    expect(value(text, 'lienthong_consumer_lag', { group: 'other', partition: '1' })).toBe(7);
    lag = [];
    text = await metrics.text();
    expect(value(text, 'lienthong_consumer_lag')).toBeUndefined();
  });

  it('reports Kafka reachability and the signing key age only once watched', async () => {
    const metrics = metricsWithBounds();
    let text = await metrics.text();
    expect(text).not.toContain('lienthong_kafka_reachable');
    expect(text).not.toContain('lienthong_signing_key_created_timestamp_seconds');
    let reachable = true;
    metrics.watchKafka(() => Promise.resolve(reachable));
    metrics.watchSigningKey(() => ({ kid: 'k1', createdAtMs: 1_700_000_000_000 }));
    text = await metrics.text();
    expect(value(text, 'lienthong_kafka_reachable')).toBe(1);
    expect(value(text, 'lienthong_signing_key_created_timestamp_seconds', { kid: 'k1' })).toBe(1_700_000_000);
    reachable = false;
    expect(value(await metrics.text(), 'lienthong_kafka_reachable')).toBe(0);
  });

  it('starts the produce error counters at zero, so the first error moves rate()', async () => {
    const text = await metricsWithBounds().text();
    for (const family of ['records', 'registry', 'inbox', 'retry', 'dlq', 'audit']) {
      expect(value(text, 'lienthong_kafka_produce_errors_total', { topic_family: family })).toBe(0);
    }
  });

  it('counts deliveries by subscription and outcome, from zero for known subscriptions', async () => {
    const metrics = metricsWithBounds();
    metrics.initSubscriptions(['sub-1']);
    expect(
      value(await metrics.text(), 'lienthong_deliveries_total', {
        subscription: 'sub-1',
        outcome: 'dead_lettered',
      }),
    ).toBe(0);
    metrics.delivery('sub-1', 'dead_lettered');
    metrics.deliveryDuration('webhook', 0.2);
    const text = await metrics.text();
    expect(
      value(text, 'lienthong_deliveries_total', { subscription: 'sub-1', outcome: 'dead_lettered' }),
    ).toBe(1);
    expect(value(text, 'lienthong_delivery_duration_seconds_count', { mode: 'webhook' })).toBe(1);
  });
});
