import { LienthongError } from '@lienthong/contracts';
import type { CompatibilityLevel } from './compatibility-level.js';
import { DEFAULT_COMPATIBILITY_LEVEL, levelRequirements } from './compatibility-level.js';
import type { CompatibilityRule, SchemaLabels } from './compatibility-rules.js';
import { findBreaks } from './schema-inclusion.js';

/** A registered version the candidate is checked against. */
export interface PreviousSchemaVersion {
  version: number;
  schema: unknown;
}

/** Why a candidate is not compatible with one earlier version. */
export interface CompatibilityReason {
  /** Where the difference is in the candidate schema (RFC 6901). */
  pointer: string;
  rule: CompatibilityRule;
  message: string;
  messageVi: string;
  againstVersion: number;
  /** `backward`: the candidate cannot read that version's data; `forward`: the reverse. */
  direction: 'backward' | 'forward';
}

export interface CompatibilityResult {
  compatible: boolean;
  reasons: CompatibilityReason[];
}

/**
 * Checks a candidate schema against the registered versions of its type (oldest first) under
 * a compatibility level, with Confluent Schema Registry's meaning of the levels. Pure and
 * deterministic, so every registry replica reaches the same verdict.
 */
export function checkCompatibility(
  candidate: unknown,
  previousVersionsOldestFirst: readonly PreviousSchemaVersion[],
  level: CompatibilityLevel = DEFAULT_COMPATIBILITY_LEVEL,
): CompatibilityResult {
  const { backward, forward, transitive } = levelRequirements(level);
  const against = transitive ? previousVersionsOldestFirst : previousVersionsOldestFirst.slice(-1);
  const reasons: CompatibilityReason[] = [];
  for (const previous of against) {
    const version = `version ${previous.version}`;
    const versionVi = `phiên bản ${previous.version}`;
    if (backward) {
      const labels: SchemaLabels = {
        reader: 'the new schema',
        writer: version,
        readerVi: 'lược đồ mới',
        writerVi: versionVi,
      };
      for (const b of findBreaks(candidate, previous.schema, labels)) {
        reasons.push({
          pointer: b.readerPointer,
          rule: b.rule,
          message: b.message,
          messageVi: b.messageVi,
          againstVersion: previous.version,
          direction: 'backward',
        });
      }
    }
    if (forward) {
      const labels: SchemaLabels = {
        reader: version,
        writer: 'the new schema',
        readerVi: versionVi,
        writerVi: 'lược đồ mới',
      };
      for (const b of findBreaks(previous.schema, candidate, labels)) {
        reasons.push({
          pointer: b.writerPointer,
          rule: b.rule,
          message: b.message,
          messageVi: b.messageVi,
          againstVersion: previous.version,
          direction: 'forward',
        });
      }
    }
  }
  return { compatible: reasons.length === 0, reasons };
}

/** {@link checkCompatibility}, throwing `schema-incompatible` (409) with every reason. */
export function assertCompatible(
  candidate: unknown,
  previousVersionsOldestFirst: readonly PreviousSchemaVersion[],
  level: CompatibilityLevel = DEFAULT_COMPATIBILITY_LEVEL,
): void {
  const { compatible, reasons } = checkCompatibility(candidate, previousVersionsOldestFirst, level);
  if (compatible) return;
  const versions = [...new Set(reasons.map((r) => r.againstVersion))].join(', ');
  throw new LienthongError('schema-incompatible', {
    detail: `The schema breaks ${level} compatibility with version ${versions}.`,
    detailVi: `Lược đồ vi phạm mức tương thích ${level} với phiên bản ${versions}.`,
    errors: reasons.map((r) => ({ pointer: r.pointer, message: r.message, messageVi: r.messageVi })),
  });
}
