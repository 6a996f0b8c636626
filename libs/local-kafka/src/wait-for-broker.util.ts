import { Kafka, logLevel } from 'kafkajs';

export interface WaitForBrokerOptions {
  timeoutMs: number;
  intervalMs?: number;
  /** Checked before every attempt: a message means the broker is gone and waiting stops. */
  failFast?: () => string | undefined;
}

/**
 * Resolves once the cluster answers a metadata request (kafkajs admin describeCluster) with at
 * least one broker; rejects with the last error when `timeoutMs` has passed.
 */
export async function waitForBroker(brokers: string[], options: WaitForBrokerOptions): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  const intervalMs = options.intervalMs ?? 250;
  let lastError = 'no attempt made';
  for (;;) {
    const failure = options.failFast?.();
    if (failure) throw new Error(failure);
    const remaining = deadline - Date.now();
    if (remaining <= 0) {
      throw new Error(
        `Kafka at ${brokers.join(',')} did not answer within ${options.timeoutMs} ms: ${lastError}`,
      );
    }
    const kafka = new Kafka({
      clientId: 'lienthong-local-kafka-probe',
      brokers,
      logLevel: logLevel.NOTHING,
      connectionTimeout: Math.min(2_000, remaining),
      requestTimeout: Math.min(5_000, remaining),
      retry: { retries: 0 },
    });
    const admin = kafka.admin();
    try {
      await admin.connect();
      const cluster = await admin.describeCluster();
      if (cluster.brokers.length > 0) return;
      lastError = 'metadata lists no broker yet';
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
    await new Promise((resolve) =>
      setTimeout(resolve, Math.min(intervalMs, Math.max(0, deadline - Date.now()))),
    );
  }
}

/**
 * Makes a fresh broker create and load its coordinator topics (__consumer_offsets,
 * __transaction_state) now rather than on the first consumer group join or idempotent producer,
 * which would otherwise see "coordinator not available / loading" errors and retries.
 */
export async function warmUpCoordinators(brokers: string[]): Promise<void> {
  const kafka = new Kafka({
    clientId: 'lienthong-local-kafka-warmup',
    brokers,
    logLevel: logLevel.NOTHING,
    retry: { retries: 20, initialRetryTime: 100, maxRetryTime: 1_000 },
  });
  const admin = kafka.admin();
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  try {
    await admin.connect();
    await admin.describeGroups(['lienthong-local-kafka-warmup']);
    await producer.connect();
  } finally {
    await producer.disconnect().catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
  }
}
