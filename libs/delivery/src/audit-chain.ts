import { createHash, randomUUID } from 'node:crypto';

/** What an audit event records (design: "Kafka topology", `lienthong.audit`). */
export const AUDIT_EVENT_KINDS = ['accepted', 'rejected', 'delivered', 'retried', 'dead-lettered'] as const;
export type AuditEventKind = (typeof AUDIT_EVENT_KINDS)[number];

export const AUDIT_EVENT_FORMAT = 1;

/** The facts of one audit event; the chain fields are added by {@link AuditChain}. */
export interface AuditFacts {
  kind: AuditEventKind;
  /** `ce_id` of the record. */
  messageId: string;
  type?: string;
  /** Publishing agency (`ce_source`). */
  publisher?: string;
  /** Receiving agency. */
  subscriber?: string;
  subscription?: string;
  /** `inbox`, `webhook`, a retry topic, or a problem / error code. */
  outcome?: string;
  /** Delivery attempt (1 = first). */
  attempt?: number;
  /** ISO time of the fact. */
  at: string;
}

export interface AuditEvent extends AuditFacts {
  format: typeof AUDIT_EVENT_FORMAT;
  eventId: string;
  /** Audit topic partition the event was written to (chosen by the writer). */
  partition: number;
  /** The chain: one writer process (segment) on one partition. */
  writer: string;
  /** Position in the chain, from 0. */
  seq: number;
  /** SHA-256 (hex) of the previous event of this chain; null for the first. */
  previousHash: string | null;
}

/** JSON with object keys sorted and no whitespace: equal events hash equally (RFC 8785 in spirit). */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value)
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** SHA-256 (hex) of an event's canonical JSON: what the next event of its chain names. */
export function hashAuditEvent(event: AuditEvent): string {
  return createHash('sha256').update(canonicalJson(event)).digest('hex');
}

/**
 * Builds hash-chained audit events. A Kafka partition has several writers (gateway replicas,
 * routers) that cannot see each other's last event before writing, so each writer keeps one
 * chain per partition: every event names the hash of the previous event of the same partition
 * by the same writer. Changing, removing or reordering an event breaks its chain.
 */
export class AuditChain {
  private writer: string;
  private readonly tails = new Map<number, { seq: number; hash: string }>();

  constructor(writer: string = randomUUID()) {
    this.writer = writer;
  }

  /** The next event of the chain on `partition`. */
  next(partition: number, facts: AuditFacts): AuditEvent {
    const tail = this.tails.get(partition);
    const event: AuditEvent = {
      format: AUDIT_EVENT_FORMAT,
      eventId: randomUUID(),
      ...facts,
      partition,
      writer: this.writer,
      seq: tail ? tail.seq + 1 : 0,
      previousHash: tail ? tail.hash : null,
    };
    this.tails.set(partition, { seq: event.seq, hash: hashAuditEvent(event) });
    return event;
  }

  /**
   * Starts new chains under a new writer id. Called after a write whose outcome is unknown:
   * the events may or may not be in the log, and a chain must never fork.
   */
  restart(writer: string = randomUUID()): void {
    this.writer = writer;
    this.tails.clear();
  }

  get writerId(): string {
    return this.writer;
  }
}

export interface AuditChainProblem {
  partition: number;
  writer: string;
  seq: number;
  eventId: string;
  reason: 'not-first' | 'seq-gap' | 'hash-mismatch' | 'malformed';
}

export interface AuditChainReport {
  ok: boolean;
  events: number;
  chains: number;
  problems: AuditChainProblem[];
}

/**
 * Verifies audit events given in log order (per partition): each chain (partition, writer)
 * starts at seq 0 with no previous hash, and each later event names the hash of the event
 * before it in the same chain with the next seq. Returns every problem found.
 */
export function verifyAuditChain(events: readonly unknown[]): AuditChainReport {
  const tails = new Map<string, { seq: number; hash: string }>();
  const problems: AuditChainProblem[] = [];
  for (const raw of events) {
    const event = raw as Partial<AuditEvent>;
    if (
      !event ||
      event.format !== AUDIT_EVENT_FORMAT ||
      typeof event.partition !== 'number' ||
      typeof event.writer !== 'string' ||
      typeof event.seq !== 'number' ||
      typeof event.eventId !== 'string'
    ) {
      problems.push({
        partition: Number(event?.partition ?? -1),
        writer: String(event?.writer ?? ''),
        seq: Number(event?.seq ?? -1),
        eventId: String(event?.eventId ?? ''),
        reason: 'malformed',
      });
      continue;
    }
    const full = event as AuditEvent;
    const chain = `${full.partition}/${full.writer}`;
    const tail = tails.get(chain);
    const at = { partition: full.partition, writer: full.writer, seq: full.seq, eventId: full.eventId };
    if (!tail) {
      if (full.seq !== 0 || full.previousHash !== null) problems.push({ ...at, reason: 'not-first' });
    } else if (full.seq !== tail.seq + 1) {
      problems.push({ ...at, reason: 'seq-gap' });
    } else if (full.previousHash !== tail.hash) {
      problems.push({ ...at, reason: 'hash-mismatch' });
    }
    tails.set(chain, { seq: full.seq, hash: hashAuditEvent(full) });
  }
  return { ok: problems.length === 0, events: events.length, chains: tails.size, problems };
}
