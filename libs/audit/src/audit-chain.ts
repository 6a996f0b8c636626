import { randomUUID } from 'node:crypto';
import type { AuditChainHead, AuditCheckpoint, AuditEvent, AuditFacts } from './audit-event.js';
import { AUDIT_CHECKPOINT_KIND, AUDIT_EVENT_FORMAT, hashAuditEvent } from './audit-event.js';
import type { AuditSigner } from './audit-keys.js';

/**
 * Builds signed, hash-chained audit events and the checkpoints that anchor them. A Kafka
 * partition has several writers (gateway replicas, routers) that cannot see each other's last
 * event before writing, so each writer keeps one chain per partition: every event names the hash
 * of the previous event of the same partition by the same writer, and is signed by the writer's
 * key. Changing, removing or reordering an event breaks its chain; adding one needs the key.
 */
export class AuditChain {
  private writer: string;
  /** Last event built per partition (written or not yet). */
  private readonly tails = new Map<number, { seq: number; hash: string }>();
  /** Heads Kafka acknowledged, of this writer id and of the ones given up by `restart`. */
  private readonly acked = new Map<string, AuditChainHead>();
  private changed = false;

  constructor(
    private readonly signer: AuditSigner,
    writer: string = randomUUID(),
  ) {
    this.writer = writer;
  }

  /**
   * The next event of the chain on `partition`; signed unless `sign` is false, for an event a
   * later signed event of the same write will cover through its hash link.
   */
  next(partition: number, facts: AuditFacts, sign = true): AuditEvent {
    const tail = this.tails.get(partition);
    const unsigned = {
      ...facts,
      format: AUDIT_EVENT_FORMAT as typeof AUDIT_EVENT_FORMAT,
      eventId: facts.eventId ?? randomUUID(),
      partition,
      writer: this.writer,
      seq: tail ? tail.seq + 1 : 0,
      previousHash: tail ? tail.hash : null,
      kid: this.signer.kid,
    };
    const event: AuditEvent = sign ? { ...unsigned, sig: this.signer.sign(unsigned) } : unsigned;
    this.tails.set(partition, { seq: event.seq, hash: hashAuditEvent(event) });
    return event;
  }

  /** Records that Kafka acknowledged these events (in chain order): checkpoints may state them. */
  acknowledge(events: readonly AuditEvent[]): void {
    for (const event of events) {
      if (event.writer !== this.writer) continue;
      const key = `${event.partition}/${event.writer}`;
      const known = this.acked.get(key);
      if (known && known.seq >= event.seq) continue;
      this.acked.set(key, {
        partition: event.partition,
        writer: event.writer,
        seq: event.seq,
        hash: hashAuditEvent(event),
      });
      this.changed = true;
    }
  }

  /**
   * Starts new chains under a new writer id. Called after a write whose outcome is unknown:
   * the events may or may not be in the log, and a chain must never fork. The old chains'
   * acknowledged heads are kept, marked closed, for the next checkpoint.
   */
  restart(writer: string = randomUUID()): void {
    for (const [key, head] of this.acked) {
      if (head.writer === this.writer) this.acked.set(key, { ...head, closed: true });
    }
    this.writer = writer;
    this.tails.clear();
    this.changed = true;
  }

  /** Whether a head moved or a chain closed since the last acknowledged checkpoint. */
  get hasNews(): boolean {
    return this.changed;
  }

  /** A signed checkpoint of every acknowledged head, to be written to `partition`. */
  checkpoint(partition: number, at: Date = new Date()): AuditCheckpoint {
    const heads = [...this.acked.values()].sort(
      (a, b) => a.partition - b.partition || a.writer.localeCompare(b.writer),
    );
    const unsigned = {
      format: AUDIT_EVENT_FORMAT,
      kind: AUDIT_CHECKPOINT_KIND,
      checkpointId: randomUUID(),
      writer: this.writer,
      partition,
      at: at.toISOString(),
      heads,
      kid: this.signer.kid,
    } as const;
    return { ...unsigned, heads: [...heads], sig: this.signer.sign(unsigned) };
  }

  /** Kafka acknowledged the checkpoint: closed heads it stated need not be repeated. */
  checkpointed(checkpoint: AuditCheckpoint): void {
    for (const head of checkpoint.heads) {
      const key = `${head.partition}/${head.writer}`;
      const current = this.acked.get(key);
      if (head.closed && current?.closed && current.seq === head.seq) this.acked.delete(key);
    }
    this.changed = false;
  }

  get writerId(): string {
    return this.writer;
  }
}
