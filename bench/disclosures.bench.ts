/**
 * Disclosure-log lookups (issue 11 §3): builds the gateway's in-memory `DisclosureIndex` with
 * BENCH_DISCLOSURES entries (default 1,000,000) over BENCH_SUBJECTS subjects (default 100,000;
 * each also has ~10 entries, and one "busy" subject has 5,000), measures the memory the index
 * holds per entry (heap + array buffers, after a full GC with --expose-gc) and the latency of
 * lookups as the API answers them: index query (newest first, limit 100) + JSON body + a detached
 * ES256 signature over the body. Random subjects, operator scope and owner scope.
 */
import { randomBytes } from 'node:crypto';
import type { DisclosureEvent } from '@lienthong/contracts';
import { DISCLOSURE_EVENT_FORMAT, subjectHash } from '@lienthong/contracts';
import { GatewayKeyring, signDisclosureAnswer } from '@lienthong/trust';
import { DisclosureIndex } from '../apps/gateway/src/disclosures/disclosure-index.js';
import { percentiles, report, round } from './support/stats.js';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const ENTRIES = env('BENCH_DISCLOSURES', 1_000_000);
const SUBJECTS = env('BENCH_SUBJECTS', 100_000);
const LOOKUPS = env('BENCH_LOOKUPS', 5_000);
const BUSY = 5_000;
const secret = randomBytes(32).toString('base64url');
const gc = (globalThis as { gc?: () => void }).gc;

function held(): number {
  gc?.();
  gc?.();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

const subjects = Array.from({ length: SUBJECTS }, (_, i) => `0010${String(i).padStart(8, '0')}`);
const hashes = subjects.map((s) => subjectHash(secret, s));
const recipients = Array.from({ length: 20 }, (_, i) => `000.00.00.H${String(i + 10)}`);
const types = ['residence.registration', 'procedure.dossier-status'];
const owners: Record<string, string> = {
  'residence.registration': '000.00.00.G01',
  'procedure.dossier-status': '000.00.00.G22',
};

function event(n: number, subject: string): DisclosureEvent {
  const r = n % recipients.length;
  const type = types[n % types.length]!;
  const hex = n.toString(16).padStart(12, '0');
  return {
    format: DISCLOSURE_EVENT_FORMAT,
    subject,
    subjectPointer: '/citizenId',
    type,
    recordId: `019a0000-0000-7000-8000-${hex}`,
    publisher: owners[type]!,
    deliveries: [
      {
        recipient: recipients[r]!,
        subscription: `019a0000-0000-7000-9000-0000000000${String(r).padStart(2, '0')}`,
        channel: r % 4 === 0 ? 'webhook' : 'inbox',
        fields: ['/citizenId', '/fullName', '/dateOfBirth', '/address'],
        purpose: { vi: `Giải quyết thủ tục hành chính (${r})`, en: `Handling procedures (${r})` },
        legalBasis: 'Luật 91/2025/QH15 Điều 19',
        disclosedAt: new Date(Date.UTC(2026, 0, 1) + n * 1_000).toISOString(),
        attempt: 1,
      },
    ],
  };
}

const before = held();
const index = new DisclosureIndex();
const built = process.hrtime.bigint();
for (let n = 0; n < ENTRIES; n++) {
  const subject = n < BUSY ? hashes[0]! : hashes[(n * 7919) % SUBJECTS]!;
  index.add(event(n, subject), n % 3, Math.floor(n / 3));
}
const buildSeconds = Number(process.hrtime.bigint() - built) / 1e9;
const after = held();

const keyring = await GatewayKeyring.generate();
async function lookup(hash: string, ownerScope: string | undefined): Promise<number> {
  const found = index.query(hash, {
    limit: 100,
    ...(ownerScope !== undefined && { typeVisible: (t: string) => owners[t] === ownerScope }),
  });
  const body = Buffer.from(JSON.stringify({ subjectId: 'x', disclosures: found.entries }), 'utf8');
  await signDisclosureAnswer(body, keyring, 'urn:lienthong:bench');
  return found.entries.length;
}

const measure = async (pick: (i: number) => string, scope: string | undefined) => {
  const samples: bigint[] = [];
  let returned = 0;
  for (let i = 0; i < LOOKUPS; i++) {
    const t0 = process.hrtime.bigint();
    returned += await lookup(pick(i), scope);
    samples.push(process.hrtime.bigint() - t0);
  }
  return {
    ...percentiles(samples, [50, 99, 99.9]),
    maxMs: round(Number(samples.reduce((a, b) => (b > a ? b : a))) / 1e6),
    meanReturned: round(returned / LOOKUPS, 1),
  };
};

const random = (i: number) => hashes[(i * 104_729 + 17) % SUBJECTS]!;
report(`disclosure index: ${ENTRIES.toLocaleString('en')} entries, lookups with JSON and signature`, {
  entries: index.stats(),
  buildSeconds: round(buildSeconds, 2),
  gcMeasured: gc !== undefined,
  heldMiB: round((after - before) / 2 ** 20, 1),
  bytesPerEntry: round((after - before) / ENTRIES, 1),
  randomSubjectOperator: await measure(random, undefined),
  randomSubjectOwnerScope: await measure(random, '000.00.00.G01'),
  busySubject5000Entries: await measure(() => hashes[0]!, undefined),
  busySubjectOwnerScopeLastPage: await measure(() => hashes[0]!, '000.00.00.G22'),
});
