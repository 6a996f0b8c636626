import { percentiles, round } from './stats.js';

export interface LoadResult {
  requests: number;
  seconds: number;
  perSecond: number;
  latencyMs: Record<string, number>;
  statuses: Record<string, number>;
}

/**
 * Closed-loop load: `concurrency` workers issue `total` requests back to back. Latency is per
 * request, wall clock; statuses are counted so a benchmark can refuse a run with errors.
 */
export async function closedLoop(
  total: number,
  concurrency: number,
  request: (i: number) => Promise<number>,
): Promise<LoadResult> {
  const samples: bigint[] = [];
  const statuses: Record<string, number> = {};
  let next = 0;
  const start = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (;;) {
        const i = next++;
        if (i >= total) return;
        const t0 = process.hrtime.bigint();
        const status = await request(i);
        samples.push(process.hrtime.bigint() - t0);
        statuses[status] = (statuses[status] ?? 0) + 1;
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return {
    requests: total,
    seconds: round(seconds),
    perSecond: round(total / seconds, 1),
    latencyMs: percentiles(samples, [50, 90, 99]),
    statuses,
  };
}
