import { randomUUID } from 'node:crypto';
import type { AuditChainReport } from '@lienthong/delivery';
import { AUDIT_TOPIC, verifyAuditChain } from '@lienthong/delivery';
import type { Kafka } from 'kafkajs';

/**
 * Reads `lienthong.audit` from the beginning up to its end as of the call (every partition, in
 * log order) and verifies every chain in it.
 */
export async function verifyAuditTopic(
  kafka: Kafka,
  options: { timeoutMs?: number } = {},
): Promise<AuditChainReport & { unreadable: number }> {
  const admin = kafka.admin();
  await admin.connect();
  let ends: Map<number, bigint>;
  try {
    ends = new Map((await admin.fetchTopicOffsets(AUDIT_TOPIC)).map((p) => [p.partition, BigInt(p.high)]));
  } finally {
    await admin.disconnect();
  }
  const byPartition = new Map<number, unknown[]>();
  let unreadable = 0;
  const remaining = new Set([...ends].filter(([, end]) => end > 0n).map(([p]) => p));
  if (remaining.size > 0) {
    const consumer = kafka.consumer({ groupId: `lienthong-audit-verify-${randomUUID()}` });
    let finish: () => void = () => undefined;
    const done = new Promise<void>((resolve) => (finish = resolve));
    const timer = setTimeout(finish, options.timeoutMs ?? 60_000);
    try {
      await consumer.connect();
      await consumer.subscribe({ topic: AUDIT_TOPIC, fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachBatch: ({ batch }) => {
          const end = ends.get(batch.partition) ?? 0n;
          const list = byPartition.get(batch.partition) ?? [];
          byPartition.set(batch.partition, list);
          for (const m of batch.messages) {
            if (BigInt(m.offset) >= end) break;
            try {
              list.push(JSON.parse(m.value?.toString('utf8') ?? ''));
            } catch {
              unreadable++;
            }
          }
          if (BigInt(batch.lastOffset()) + 1n >= end) {
            remaining.delete(batch.partition);
            if (remaining.size === 0) finish();
          }
          return Promise.resolve();
        },
      });
      await done;
      if (remaining.size > 0)
        throw new Error(`audit partitions ${[...remaining].join(', ')} not read in time`);
    } finally {
      clearTimeout(timer);
      await consumer.disconnect();
    }
  }
  const events = [...byPartition.keys()].sort((a, b) => a - b).flatMap((p) => byPartition.get(p)!);
  const report = verifyAuditChain(events);
  return { ...report, ok: report.ok && unreadable === 0, unreadable };
}
