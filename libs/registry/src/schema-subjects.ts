import type { CompatibilityLevel, CompatibilityResult } from '@lienthong/schema';
import { createHash } from 'node:crypto';

export type VersionState = 'active' | 'deprecated' | 'disabled';
export const VERSION_STATES: readonly VersionState[] = ['active', 'deprecated', 'disabled'];

/** Metadata an integrator declares with a schema version. */
export interface SchemaVersionMetadata {
  owner: string;
  description: { vi: string; en: string };
  keyPointer: string;
  personalData: string[];
  /**
   * Pointers identifying the data subject (each inside `personalData`). Omitted, not `[]`, when
   * none: versions registered before it existed keep their fingerprints.
   */
  dataSubject?: string[];
  signatureRequired: boolean;
  examples: unknown[];
}

/** Data of a `schema-version` record, as the writer appends it. */
export interface SchemaVersionCommand {
  type: string;
  schema: Record<string, unknown>;
  metadata: SchemaVersionMetadata;
}

/** One registered, immutable schema version as every replica holds it. */
export interface SchemaVersion {
  type: string;
  version: number;
  /** Registry-wide id (Confluent-style), unique across types. */
  id: number;
  schema: Readonly<Record<string, unknown>>;
  metadata: Readonly<SchemaVersionMetadata>;
  fingerprint: string;
  state: VersionState;
  registeredAt: string;
  registeredBy?: string;
}

/**
 * The compatibility rule set, injected so the registry stays independent of how schemas are
 * compared. Must be a pure function: replicas re-check at apply time and must agree.
 */
export type CompatibilityCheck = (
  candidate: Record<string, unknown>,
  previousOldestFirst: { version: number; schema: Record<string, unknown> }[],
  level: CompatibilityLevel,
) => CompatibilityResult;

/** JSON with object keys sorted, so equal documents have equal bytes (RFC 8785 in spirit). */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value as Record<string, unknown>)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Identity of a registration: the same schema and metadata register once. */
export function schemaFingerprint(command: Pick<SchemaVersionCommand, 'schema' | 'metadata'>): string {
  return createHash('sha256')
    .update(canonicalJson({ schema: command.schema, metadata: command.metadata }))
    .digest('hex');
}
