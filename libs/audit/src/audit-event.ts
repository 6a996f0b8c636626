import { createHash } from 'node:crypto';

/**
 * What an audit event records (docs/audit.md lists every kind and field). Router kinds: the
 * life of a delivery. Gateway kinds: the decisions that let a record in or changed who may
 * do what.
 */
export const AUDIT_EVENT_KINDS = [
  // Router: deliveries.
  'accepted',
  'rejected',
  'delivered',
  'retried',
  'dead-lettered',
  // Gateway: publishes.
  'publish-accepted',
  'publish-refused',
  // Gateway: who may do what.
  'agency-registered',
  'agency-changed',
  'grant-changed',
  'keys-changed',
  'rate-limits-changed',
  'subscription-created',
  'subscription-changed',
  'subscription-deleted',
  'schema-registered',
  'schema-config-changed',
  // Lookups of the disclosure log (recorded by the API that answers them).
  'disclosure-lookup',
] as const;
export type AuditEventKind = (typeof AUDIT_EVENT_KINDS)[number];

/** Event format 2: signed events and checkpoints. Format 1 (unsigned) is refused as forged. */
export const AUDIT_EVENT_FORMAT = 2;

/** `kind` of a checkpoint record (never a chained event). */
export const AUDIT_CHECKPOINT_KIND = 'checkpoint';

/**
 * `use` of the audit keys in a JWK Set. RFC 7517 section 4.2 allows values other than `sig`
 * and `enc`; jose's JWKS resolvers (and our receipt and delivery verifiers) only pick keys
 * whose `use` is absent or `sig`, so no token or receipt verifier can select an audit key,
 * and the audit verifier only selects keys carrying this value.
 */
export const AUDIT_KEY_USE = 'lienthong-audit';

/**
 * The facts of one audit event; the chain fields are added by {@link AuditChain}. Metadata
 * only: never a body, a record key, or any value about a person.
 */
export interface AuditFacts {
  kind: AuditEventKind;
  /**
   * `ce_id` of the record, or the id of the change (a registry entity, a subscription id).
   * Also the Kafka key of the event.
   */
  messageId: string;
  /** Stable id of the fact; a retried write keeps it so readers can drop duplicates. */
  eventId?: string;
  type?: string;
  /** Publishing agency (`ce_source`). */
  publisher?: string;
  /** Receiving agency. */
  subscriber?: string;
  subscription?: string;
  /** Agency whose request this is (an operator changing a grant, an integrator a schema). */
  actor?: string;
  /** Agency a change applies to (its grants, its keys). */
  subject?: string;
  /** `inbox`, `webhook`, a retry topic, or a problem / error code. */
  outcome?: string;
  /** Delivery attempt (1 = first). */
  attempt?: number;
  /** Schema version a record was validated against, or that was registered. */
  schemaVersion?: number;
  /** SHA-256 (base64url) of the record body, as in the receipt. */
  bodySha256?: string;
  /** Short, bounded, personal-data-free detail (a grant list, a compatibility level). */
  detail?: string;
  /** ISO time of the fact. */
  at: string;
}

/** An event as written to `lienthong.audit`. */
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
  /** Audit key of the writer (`kid` in the gateway JWKS, `use: lienthong-audit`). */
  kid: string;
  /**
   * Ed25519 signature (base64url) over {@link auditSigningInput} of the event without `sig`.
   * A write signs the last event of each chain it extends; the events before it are covered
   * by the hash links that signed event vouches for (block signing: one signature per chain
   * and write, not per event).
   */
  sig?: string;
}

/** One chain head as a checkpoint states it. */
export interface AuditChainHead {
  partition: number;
  writer: string;
  seq: number;
  /** {@link hashAuditEvent} of the event at `seq`. */
  hash: string;
  /**
   * The writer gave this chain up after a write whose outcome it did not learn: events after
   * `seq` may exist (that write did land) but nothing else will follow.
   */
  closed?: true;
}

/** A signed statement of a writer's chain heads: copy it outside Kafka as an external anchor. */
export interface AuditCheckpoint {
  format: typeof AUDIT_EVENT_FORMAT;
  kind: typeof AUDIT_CHECKPOINT_KIND;
  checkpointId: string;
  /** The writer that states the heads (its current writer id). */
  writer: string;
  /** Audit partition the checkpoint was written to. */
  partition: number;
  at: string;
  heads: AuditChainHead[];
  kid: string;
  sig: string;
}

/** JSON with object keys sorted and no whitespace: equal events hash equally (RFC 8785 in spirit). */
export function canonicalJson(value: unknown): string {
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

/**
 * Domain separation: the signed bytes start with this line, which no JWS signing input
 * (base64url, a dot, base64url) can, so an audit signature never passes for a token or a
 * receipt signature, whatever key made it.
 */
const SIGNING_CONTEXT = 'lienthong-audit-v2\n';

/** The bytes an audit signature covers: the context line and the canonical JSON without `sig`. */
export function auditSigningInput(record: Record<string, unknown>): Buffer {
  const { sig: _sig, ...signed } = record;
  return Buffer.from(SIGNING_CONTEXT + canonicalJson(signed), 'utf8');
}

/** SHA-256 (hex) of an event's canonical JSON, signature included: what the next event names. */
export function hashAuditEvent(event: AuditEvent | Record<string, unknown>): string {
  return createHash('sha256').update(canonicalJson(event)).digest('hex');
}
