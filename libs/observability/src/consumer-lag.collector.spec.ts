import { describe, expect, it } from '@jest/globals';
import type { LagAdmin } from './consumer-lag.collector.js';
import { ConsumerLagCollector } from './consumer-lag.collector.js';

/** An in-memory stand-in for the two admin calls, counting how often Kafka would be asked. */
class OffsetsAdmin implements LagAdmin {
  calls = 0;
  connects = 0;
  disconnects = 0;
  hang = false;

  constructor(
    readonly committed: Record<string, Record<string, Record<number, string>>>,
    readonly ends: Record<string, Record<number, string>>,
  ) {}

  connect(): Promise<void> {
    this.connects++;
    return Promise.resolve();
  }

  disconnect(): Promise<void> {
    this.disconnects++;
    return Promise.resolve();
  }

  fetchOffsets({ groupId }: { groupId: string }): ReturnType<LagAdmin['fetchOffsets']> {
    this.calls++;
    if (this.hang) return new Promise(() => undefined);
    return Promise.resolve(
      Object.entries(this.committed[groupId] ?? {}).map(([topic, partitions]) => ({
        topic,
        partitions: Object.entries(partitions).map(([partition, offset]) => ({
          partition: Number(partition),
          offset,
          metadata: null,
        })),
      })),
    );
  }

  fetchTopicOffsets(topic: string): ReturnType<LagAdmin['fetchTopicOffsets']> {
    return Promise.resolve(
      Object.entries(this.ends[topic] ?? {}).map(([partition, high]) => ({
        partition: Number(partition),
        offset: high,
        high,
        low: '0',
      })),
    );
  }
}

const TOPIC = 'lienthong.records.civil.birth';

function setup(options: { cacheMs?: number; timeoutMs?: number } = {}) {
  const admin = new OffsetsAdmin(
    { router: { [TOPIC]: { 0: '10', 1: '-1', 2: '30' } } },
    { [TOPIC]: { 0: '15', 1: '8', 2: '30' } },
  );
  let now = 0;
  const collector = new ConsumerLagCollector({
    kafka: { admin: () => admin },
    groups: ['router', 'idle'],
    now: () => now,
    ...options,
  });
  return { admin, collector, advance: (ms: number) => (now += ms) };
}

describe('ConsumerLagCollector', () => {
  it('reports end offset minus committed offset, skipping partitions never committed', async () => {
    const { collector } = setup();
    expect(await collector.lag()).toEqual([
      { group: 'router', topic: TOPIC, partition: 0, lag: 5 },
      { group: 'router', topic: TOPIC, partition: 2, lag: 0 },
    ]);
  });

  it('asks Kafka at most once per cache period, and once for concurrent scrapes', async () => {
    const { admin, collector, advance } = setup({ cacheMs: 5_000 });
    await Promise.all([collector.lag(), collector.lag(), collector.lag()]);
    expect(admin.calls).toBe(2); // two groups, one refresh
    advance(4_999);
    await collector.lag();
    expect(admin.calls).toBe(2);
    advance(1);
    admin.ends[TOPIC]![0] = '20';
    expect((await collector.lag())[0]?.lag).toBe(10);
    expect(admin.calls).toBe(4);
    expect(admin.connects).toBe(1);
  });

  it('reports nothing when Kafka does not answer in time, and reconnects next time', async () => {
    const { admin, collector, advance } = setup({ timeoutMs: 20, cacheMs: 1_000 });
    admin.hang = true;
    expect(await collector.lag()).toEqual([]);
    expect(admin.disconnects).toBe(1);
    admin.hang = false;
    advance(1_000);
    expect(await collector.lag()).toHaveLength(2);
    expect(admin.connects).toBe(2);
    await collector.close();
    expect(admin.disconnects).toBe(2);
  });
});
