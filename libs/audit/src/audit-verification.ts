import type { AuditChainHead, AuditCheckpoint, AuditEvent } from './audit-event.js';
import {
  AUDIT_CHECKPOINT_KIND,
  AUDIT_EVENT_FORMAT,
  AUDIT_EVENT_KINDS,
  hashAuditEvent,
} from './audit-event.js';
import { AuditKeySet } from './audit-keys.js';

/**
 * What verification can find. Forgery: `missing-signature`, `bad-signature`, `unknown-key`
 * (and `fork`, two signed events at one position). Order: `reordered`. Copies: `replay`,
 * `wrong-partition`. Removal: `gap`, `truncated`, `checkpoint-mismatch`. Broken records:
 * `malformed`, `broken-link`.
 */
export const AUDIT_FINDING_CODES = [
  'malformed',
  'missing-signature',
  'bad-signature',
  'unknown-key',
  'wrong-partition',
  'replay',
  'fork',
  'reordered',
  'gap',
  'broken-link',
  'truncated',
  'checkpoint-mismatch',
] as const;
export type AuditFindingCode = (typeof AUDIT_FINDING_CODES)[number];

/** What each finding means, in Vietnamese and English (for the CLI and the router script). */
export const AUDIT_FINDING_MESSAGES: Record<AuditFindingCode, { vi: string; en: string }> = {
  malformed: { vi: 'Bản ghi nhật ký không đúng định dạng', en: 'Audit record is malformed' },
  'missing-signature': {
    vi: 'Sự kiện nhật ký không có chữ ký (giả mạo)',
    en: 'Audit event carries no signature (forged)',
  },
  'bad-signature': {
    vi: 'Chữ ký sự kiện nhật ký không hợp lệ (giả mạo hoặc bị sửa)',
    en: 'Audit event signature does not verify (forged or altered)',
  },
  'unknown-key': {
    vi: 'Sự kiện được ký bằng khoá không phải khoá nhật ký đã công bố (giả mạo)',
    en: 'Audit event signed by a key that is not a published audit key (forged)',
  },
  'wrong-partition': {
    vi: 'Sự kiện nằm ở phân vùng khác với phân vùng nó ghi (bị sao chép)',
    en: 'Audit event sits in another partition than the one it names (copied)',
  },
  replay: {
    vi: 'Sự kiện nhật ký bị ghi lặp lại (phát lại)',
    en: 'Audit event appears again (replayed)',
  },
  fork: {
    vi: 'Hai sự kiện khác nhau có cùng vị trí trong một chuỗi (rẽ nhánh)',
    en: 'Two different events hold the same position of one chain (fork)',
  },
  reordered: {
    vi: 'Sự kiện xuất hiện sau sự kiện đứng sau nó trong chuỗi (bị đổi thứ tự)',
    en: 'Audit event comes after a later event of its chain (reordered)',
  },
  gap: { vi: 'Chuỗi nhật ký thiếu sự kiện (bị xóa)', en: 'Audit chain is missing events (removed)' },
  'broken-link': {
    vi: 'Mã băm liên kết với sự kiện trước không khớp',
    en: 'Link to the previous event does not match its hash',
  },
  truncated: {
    vi: 'Chuỗi nhật ký ngắn hơn điểm kiểm soát đã ký (bị cắt)',
    en: 'Audit chain is shorter than a signed checkpoint says (truncated)',
  },
  'checkpoint-mismatch': {
    vi: 'Sự kiện khác với sự kiện mà điểm kiểm soát đã ký ghi nhận (lịch sử bị viết lại)',
    en: 'Event differs from the one a signed checkpoint states (history rewritten)',
  },
};

/** One record of `lienthong.audit` as read, in log order within its partition. */
export interface AuditLogEntry {
  partition: number;
  offset: string;
  value: Buffer | string | null;
}

export interface AuditFinding {
  code: AuditFindingCode;
  /** `topic`: a record of the audit topic; `external`: a checkpoint from a file. */
  source: 'topic' | 'external';
  partition?: number;
  offset?: string;
  writer?: string;
  seq?: number;
  eventId?: string;
  /** English detail without any payload value. */
  detail: string;
}

/** A run of events of one chain that no checkpoint covers (yet). */
export interface AuditChainRange {
  partition: number;
  writer: string;
  fromSeq: number;
  toSeq: number;
  events: number;
}

export interface AuditVerificationReport {
  ok: boolean;
  /** Records read (events, checkpoints and anything else). */
  records: number;
  /** Signed chain events that passed the record checks. */
  events: number;
  chains: number;
  /** Valid checkpoints taken into account (from the topic and from outside). */
  checkpoints: number;
  findings: AuditFinding[];
  /** Events after the last checkpoint of their chain: intact, but not anchored yet. */
  unanchored: AuditChainRange[];
  /**
   * Events after the head of a chain its writer closed (a write whose outcome it did not
   * learn, that did land): intact and signed, followed by the writer's new chain.
   */
  unacknowledged: AuditChainRange[];
  /** Audit keys that signed what was read. */
  keys: string[];
}

export interface AuditVerificationOptions {
  /** JWK Set holding the audit public keys (`use: lienthong-audit`). */
  jwks: unknown;
  /** Checkpoints kept outside Kafka (as `lienthong audit checkpoints` writes them). */
  externalCheckpoints?: readonly unknown[];
  /**
   * The log was read from a later offset than its start: chains may start past seq 0 and
   * checkpoints may speak of events before the read.
   */
  partial?: boolean;
  /** In-topic checkpoints made after this time are left to the next run (see docs/audit.md). */
  snapshotAt?: Date;
}

interface ChainEntry {
  hash: string;
  previousHash: string | null;
  offset: string;
  eventId: string;
  /** Carries a valid signature (else it needs a signed successor linking to it). */
  signed: boolean;
}

interface Chain {
  partition: number;
  writer: string;
  bySeq: Map<number, ChainEntry>;
  maxSeq: number;
}

const HEX_SHA256 = /^[0-9a-f]{64}$/;
const KINDS = new Set<string>(AUDIT_EVENT_KINDS);

/**
 * Verifies audit records given in log order per partition: signatures by published audit keys,
 * the partition each record names, replays, chain order, gaps and links, and every checkpoint
 * (from the topic and from outside) against the chains. Pure: no I/O.
 */
export function verifyAuditLog(
  entries: readonly AuditLogEntry[],
  options: AuditVerificationOptions,
): AuditVerificationReport {
  const keys = new AuditKeySet(options.jwks);
  const findings: AuditFinding[] = [];
  const seen = new Map<string, { partition: number; offset: string }>();
  const chains = new Map<string, Chain>();
  const checkpoints: AuditCheckpoint[] = [];
  const signedBy = new Set<string>();
  let events = 0;

  const signatureProblem = (record: Record<string, unknown>): AuditFindingCode | undefined => {
    const { kid, sig } = record;
    if (typeof kid !== 'string' || typeof sig !== 'string') return 'missing-signature';
    const result = keys.check(kid, record, sig);
    if (result === true) {
      signedBy.add(kid);
      return undefined;
    }
    return result === 'bad-signature' ? 'bad-signature' : 'unknown-key';
  };

  for (const entry of entries) {
    const at = { source: 'topic' as const, partition: entry.partition, offset: entry.offset };
    const record = parseRecord(entry.value);
    if (!record) {
      findings.push({ ...at, code: 'malformed', detail: 'not a JSON object' });
      continue;
    }
    const named = {
      ...at,
      ...(typeof record['writer'] === 'string' ? { writer: record['writer'] } : {}),
      ...(typeof record['seq'] === 'number' ? { seq: record['seq'] } : {}),
      ...(typeof record['eventId'] === 'string' ? { eventId: record['eventId'] } : {}),
    };
    const isCheckpoint = record['kind'] === AUDIT_CHECKPOINT_KIND;
    const shape = isCheckpoint ? checkpointShape(record) : eventShape(record);
    if (shape !== undefined) {
      findings.push({
        ...named,
        code: shape === 'unsigned' ? 'missing-signature' : 'malformed',
        detail: shape,
      });
      continue;
    }
    // An event of a block may go without `sig` (a later event of its chain vouches for it,
    // checked below); a checkpoint never.
    const blockMember = !isCheckpoint && record['sig'] === undefined;
    const forged = blockMember ? undefined : signatureProblem(record);
    if (forged) {
      findings.push({
        ...named,
        code: forged,
        detail: `kid ${typeof record['kid'] === 'string' ? record['kid'] : '(none)'}`,
      });
      continue;
    }
    if (record['partition'] !== entry.partition) {
      findings.push({
        ...named,
        code: 'wrong-partition',
        detail: `names partition ${String(record['partition'])}, sits in ${entry.partition}`,
      });
      continue;
    }
    const hash = hashAuditEvent(record);
    const first = seen.get(hash);
    if (first) {
      findings.push({
        ...named,
        code: 'replay',
        detail: `a copy of the record at partition ${first.partition} offset ${first.offset}`,
      });
      continue;
    }
    seen.set(hash, { partition: entry.partition, offset: entry.offset });
    if (isCheckpoint) {
      const checkpoint = record as unknown as AuditCheckpoint;
      if (!options.snapshotAt || Date.parse(checkpoint.at) <= options.snapshotAt.getTime())
        checkpoints.push(checkpoint);
      continue;
    }
    const event = record as unknown as AuditEvent;
    events++;
    const key = `${event.partition}/${event.writer}`;
    let chain = chains.get(key);
    if (!chain) {
      chain = { partition: event.partition, writer: event.writer, bySeq: new Map(), maxSeq: -1 };
      chains.set(key, chain);
    }
    if (chain.bySeq.has(event.seq)) {
      // A writer never leaves an event unsigned at a position already taken: that is a forgery.
      findings.push(
        blockMember
          ? { ...named, code: 'missing-signature', detail: `an unsigned second event at seq ${event.seq}` }
          : { ...named, code: 'fork', detail: `a second event at seq ${event.seq}` },
      );
      continue;
    }
    if (event.seq < chain.maxSeq) {
      findings.push({ ...named, code: 'reordered', detail: `seq ${event.seq} after seq ${chain.maxSeq}` });
    }
    chain.bySeq.set(event.seq, {
      hash,
      previousHash: event.previousHash,
      offset: entry.offset,
      eventId: event.eventId,
      signed: !blockMember,
    });
    chain.maxSeq = Math.max(chain.maxSeq, event.seq);
  }

  for (const chain of chains.values()) checkChain(chain, options.partial === true, findings);

  for (const raw of options.externalCheckpoints ?? []) {
    const record =
      raw !== null && typeof raw === 'object' && !Array.isArray(raw)
        ? (raw as Record<string, unknown>)
        : undefined;
    const shape = record ? checkpointShape(record) : 'not a JSON object';
    const where = { source: 'external' as const };
    if (!record || shape !== undefined) {
      findings.push({
        ...where,
        code: shape === 'unsigned' ? 'missing-signature' : 'malformed',
        detail: shape ?? '',
      });
      continue;
    }
    const forged = signatureProblem(record);
    if (forged) {
      findings.push({ ...where, code: forged, detail: `checkpoint ${String(record['checkpointId'])}` });
      continue;
    }
    checkpoints.push(record as unknown as AuditCheckpoint);
  }

  const anchored = new Map<string, number>();
  const closedAt = new Map<string, number>();
  const reported = new Set<string>();
  for (const checkpoint of checkpoints) {
    for (const head of checkpoint.heads) {
      const key = `${head.partition}/${head.writer}`;
      const chain = chains.get(key);
      const entry = chain?.bySeq.get(head.seq);
      const about = {
        source: 'topic' as const,
        partition: head.partition,
        writer: head.writer,
        seq: head.seq,
      };
      if (entry) {
        if (entry.hash !== head.hash) {
          if (!reported.has(`${key}/${head.seq}/mismatch`)) {
            reported.add(`${key}/${head.seq}/mismatch`);
            findings.push({
              ...about,
              offset: entry.offset,
              eventId: entry.eventId,
              code: 'checkpoint-mismatch',
              detail: `checkpoint ${checkpoint.checkpointId} states another event at seq ${head.seq}`,
            });
          }
          continue;
        }
        anchored.set(key, Math.max(anchored.get(key) ?? -1, head.seq));
        if (head.closed) closedAt.set(key, head.seq);
        continue;
      }
      const outOfRead = options.partial === true && (!chain || head.seq < Math.min(...chain.bySeq.keys()));
      if (outOfRead) continue;
      if (!chain || head.seq > chain.maxSeq) {
        if (reported.has(`${key}/truncated`)) continue;
        reported.add(`${key}/truncated`);
        findings.push({
          ...about,
          code: 'truncated',
          detail: `checkpoint ${checkpoint.checkpointId} states seq ${head.seq}; the log holds ${
            chain ? `up to seq ${chain.maxSeq}` : 'no event of this chain'
          }`,
        });
      }
      // Otherwise the event is inside a gap, already reported.
    }
  }

  const unanchored: AuditChainRange[] = [];
  const unacknowledged: AuditChainRange[] = [];
  for (const [key, chain] of chains) {
    const from = anchored.get(key) ?? -1;
    const closed = closedAt.get(key);
    const after = [...chain.bySeq.keys()].filter((s) => s > from).sort((a, b) => a - b);
    if (after.length === 0) continue;
    const range = (seqs: number[]): AuditChainRange => ({
      partition: chain.partition,
      writer: chain.writer,
      fromSeq: seqs[0]!,
      toSeq: seqs[seqs.length - 1]!,
      events: seqs.length,
    });
    if (closed !== undefined) unacknowledged.push(range(after));
    else unanchored.push(range(after));
  }

  findings.sort(
    (a, b) =>
      (a.partition ?? -1) - (b.partition ?? -1) || Number(BigInt(a.offset ?? '0') - BigInt(b.offset ?? '0')),
  );
  return {
    ok: findings.length === 0,
    records: entries.length,
    events,
    chains: chains.size,
    checkpoints: checkpoints.length,
    findings,
    unanchored,
    unacknowledged,
    keys: [...signedBy].sort(),
  };
}

function checkChain(chain: Chain, partial: boolean, findings: AuditFinding[]): void {
  const seqs = [...chain.bySeq.keys()].sort((a, b) => a - b);
  // From the head down: an unsigned event is authentic only if the next event is, and names it.
  let vouched = false;
  for (let i = seqs.length - 1; i >= 0; i--) {
    const seq = seqs[i]!;
    const entry = chain.bySeq.get(seq)!;
    const next = chain.bySeq.get(seq + 1);
    vouched = entry.signed || (vouched && next !== undefined && next.previousHash === entry.hash);
    if (!vouched) {
      findings.push({
        source: 'topic',
        partition: chain.partition,
        writer: chain.writer,
        seq,
        offset: entry.offset,
        eventId: entry.eventId,
        code: 'missing-signature',
        detail: 'neither signed nor covered by a signed later event of its chain',
      });
    }
  }
  const base = { source: 'topic' as const, partition: chain.partition, writer: chain.writer };
  const start = partial ? seqs[0]! : 0;
  let expected = start;
  for (const seq of seqs) {
    if (seq > expected) {
      findings.push({
        ...base,
        seq: expected,
        offset: chain.bySeq.get(seq)!.offset,
        code: 'gap',
        detail:
          seq - 1 === expected ? `seq ${expected} is missing` : `seq ${expected} to ${seq - 1} are missing`,
      });
    }
    expected = seq + 1;
  }
  for (const seq of seqs) {
    const entry = chain.bySeq.get(seq)!;
    const previous = chain.bySeq.get(seq - 1);
    const linkOk =
      seq === 0
        ? entry.previousHash === null
        : previous === undefined || entry.previousHash === previous.hash;
    if (!linkOk) {
      findings.push({
        ...base,
        seq,
        offset: entry.offset,
        eventId: entry.eventId,
        code: 'broken-link',
        detail:
          seq === 0
            ? 'the first event names a previous one'
            : `previousHash is not the hash of seq ${seq - 1}`,
      });
    }
  }
}

function parseRecord(value: Buffer | string | null): Record<string, unknown> | undefined {
  if (value === null) return undefined;
  try {
    const parsed: unknown = JSON.parse(typeof value === 'string' ? value : value.toString('utf8'));
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

const isSeq = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const isWriter = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= 128;

/** Why a record is not a well-formed event; `unsigned` for one that only lacks its signature. */
function eventShape(record: Record<string, unknown>): string | undefined {
  if (record['format'] !== AUDIT_EVENT_FORMAT && record['format'] !== 1) return 'unknown format';
  if (typeof record['kind'] !== 'string' || !KINDS.has(record['kind'])) return 'unknown kind';
  if (typeof record['eventId'] !== 'string' || typeof record['messageId'] !== 'string') return 'ids missing';
  if (typeof record['at'] !== 'string') return 'time missing';
  if (!isSeq(record['partition']) || !isWriter(record['writer']) || !isSeq(record['seq']))
    return 'chain position missing';
  const previous = record['previousHash'];
  if (previous !== null && (typeof previous !== 'string' || !HEX_SHA256.test(previous)))
    return 'previousHash is not a SHA-256';
  if (record['format'] === 1 || typeof record['kid'] !== 'string') return 'unsigned';
  if (record['sig'] !== undefined && typeof record['sig'] !== 'string') return 'sig is not a string';
  return undefined;
}

function checkpointShape(record: Record<string, unknown>): string | undefined {
  if (record['format'] !== AUDIT_EVENT_FORMAT || record['kind'] !== AUDIT_CHECKPOINT_KIND)
    return 'not a checkpoint';
  if (typeof record['checkpointId'] !== 'string' || !isWriter(record['writer'])) return 'ids missing';
  if (typeof record['at'] !== 'string' || !isSeq(record['partition'])) return 'time or partition missing';
  const heads = record['heads'];
  if (!Array.isArray(heads) || !heads.every(isHead)) return 'heads malformed';
  if (typeof record['sig'] !== 'string' || typeof record['kid'] !== 'string') return 'unsigned';
  return undefined;
}

function isHead(value: unknown): value is AuditChainHead {
  if (value === null || typeof value !== 'object') return false;
  const head = value as Record<string, unknown>;
  return (
    isSeq(head['partition']) &&
    isWriter(head['writer']) &&
    isSeq(head['seq']) &&
    typeof head['hash'] === 'string' &&
    HEX_SHA256.test(head['hash']) &&
    (head['closed'] === undefined || head['closed'] === true)
  );
}
