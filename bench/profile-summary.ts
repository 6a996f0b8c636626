/**
 * Summarises a V8 CPU profile (`node --cpu-prof`, e.g. from BENCH_CPU_PROF=<dir>) as text:
 * busy share per second, then self time per module and per function and inclusive time per
 * function, over the longest stretch of seconds where the main thread was over 80% busy unless
 * `--from`/`--to` (seconds) choose the window. docs/benchmarks.md quotes its output.
 * Usage: node dist/bench/profile-summary.js <file.cpuprofile> [--from s] [--to s] [--top n]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { from: { type: 'string' }, to: { type: 'string' }, top: { type: 'string', default: '40' } },
});
const profile = JSON.parse(readFileSync(positionals[0]!, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const isIdle = (id: number) => byId.get(id)!.callFrame.functionName === '(idle)';

// Busy share per second of the run.
const seconds: { busy: number; all: number }[] = [];
let t = 0;
profile.samples.forEach((id, i) => {
  t += profile.timeDeltas[i] ?? 0;
  const s = (seconds[Math.floor(t / 1e6)] ??= { busy: 0, all: 0 });
  s.all += profile.timeDeltas[i] ?? 0;
  if (!isIdle(id)) s.busy += profile.timeDeltas[i] ?? 0;
});
const share = seconds.map((s) => (s && s.all > 0 ? Math.round((100 * s.busy) / s.all) : 0));
process.stdout.write(`busy % per second: ${share.map((p, s) => `${s}:${p}`).join(' ')}\n`);
// The longest run of seconds over 80% busy: the load, not start-up or shutdown.
let best = { from: 0, to: share.length, length: 0 };
for (let s = 0, runStart = -1; s <= share.length; s++) {
  if ((share[s] ?? 0) > 80) {
    if (runStart < 0) runStart = s;
  } else if (runStart >= 0) {
    if (s - runStart > best.length) best = { from: runStart, to: s, length: s - runStart };
    runStart = -1;
  }
}
const from = values.from !== undefined ? Number(values.from) : best.from;
const to = values.to !== undefined ? Number(values.to) : best.to;
process.stdout.write(`window: ${from}-${to} s\n`);

const label = (n: ProfileNode) => {
  const url = n.callFrame.url.replace(/.*node_modules\//, '').replace(/.*\/dist\//, '');
  return `${n.callFrame.functionName || '(anonymous)'} ${url}${url ? `:${n.callFrame.lineNumber + 1}` : ''}`;
};
const moduleOf = (n: ProfileNode) => {
  const url = n.callFrame.url;
  if (url.includes('node_modules/')) return /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)![1]!;
  if (url.includes('/dist/')) return /\/dist\/((?:apps|libs|bench)\/[^/]+)/.exec(url)?.[1] ?? url;
  return url || n.callFrame.functionName;
};
const self = new Map<string, number>();
const modules = new Map<string, number>();
const inclusive = new Map<string, number>();
let total = 0;
t = 0;
profile.samples.forEach((id, i) => {
  const dt = profile.timeDeltas[i] ?? 0;
  t += dt;
  if (t / 1e6 < from || t / 1e6 >= to) return;
  total += dt;
  const node = byId.get(id)!;
  self.set(label(node), (self.get(label(node)) ?? 0) + dt);
  modules.set(moduleOf(node), (modules.get(moduleOf(node)) ?? 0) + dt);
  const seen = new Set<string>();
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const name = label(byId.get(cur)!);
    if (seen.has(name)) continue;
    seen.add(name);
    inclusive.set(name, (inclusive.get(name) ?? 0) + dt);
  }
});
const top = Number(values.top);
const print = (title: string, map: Map<string, number>) => {
  const rows = [...map].sort((a, b) => b[1] - a[1]).slice(0, top);
  process.stdout.write(`\n${title}\n`);
  for (const [name, time] of rows)
    process.stdout.write(`${((100 * time) / total).toFixed(1).padStart(5)}%  ${name}\n`);
};
print('self time by module', modules);
print('self time by function', self);
print('inclusive time by function', inclusive);
