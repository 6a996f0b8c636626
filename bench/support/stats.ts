/** Latency percentiles (nearest rank) in milliseconds from samples in nanoseconds. */
export function percentiles(samplesNs: bigint[] | number[], ps = [50, 90, 99]): Record<string, number> {
  const ms = [...samplesNs].map((s) => Number(s) / 1e6).sort((a, b) => a - b);
  const out: Record<string, number> = {};
  for (const p of ps) {
    const rank = Math.min(ms.length - 1, Math.max(0, Math.ceil((p / 100) * ms.length) - 1));
    out[`p${String(p).replace('.', '')}`] = round(ms[rank] ?? NaN);
  }
  return out;
}

export function round(n: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

/** Heap and RSS in MiB. */
export function memoryMiB(): { heapUsed: number; rss: number } {
  const m = process.memoryUsage();
  return { heapUsed: round(m.heapUsed / 2 ** 20, 1), rss: round(m.rss / 2 ** 20, 1) };
}

/** Runs `fn` `n` times, returning per-call nanoseconds and total ops/s. */
export function timeSync(n: number, fn: (i: number) => void): { samples: bigint[]; opsPerSec: number } {
  const samples: bigint[] = new Array<bigint>(n);
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    fn(i);
    samples[i] = process.hrtime.bigint() - t0;
  }
  const total = Number(process.hrtime.bigint() - start) / 1e9;
  return { samples, opsPerSec: round(n / total, 0) };
}

export function report(title: string, rows: Record<string, unknown>): void {
  process.stdout.write(`\n## ${title}\n${JSON.stringify(rows, null, 2)}\n`);
}
