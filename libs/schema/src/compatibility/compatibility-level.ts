/**
 * Compatibility levels with Confluent Schema Registry's meaning. BACKWARD: the new schema reads
 * data written with the previous one. FORWARD: the previous schema reads data written with the
 * new one. FULL: both. `_TRANSITIVE`: against every earlier version, not only the latest.
 */
export const COMPATIBILITY_LEVELS = [
  'BACKWARD',
  'BACKWARD_TRANSITIVE',
  'FORWARD',
  'FORWARD_TRANSITIVE',
  'FULL',
  'FULL_TRANSITIVE',
  'NONE',
] as const;

export type CompatibilityLevel = (typeof COMPATIBILITY_LEVELS)[number];

export const DEFAULT_COMPATIBILITY_LEVEL: CompatibilityLevel = 'BACKWARD';

export function isCompatibilityLevel(value: unknown): value is CompatibilityLevel {
  return typeof value === 'string' && (COMPATIBILITY_LEVELS as readonly string[]).includes(value);
}

/** What a level asks of a candidate: which directions, against which earlier versions. */
export function levelRequirements(level: CompatibilityLevel): {
  backward: boolean;
  forward: boolean;
  transitive: boolean;
} {
  switch (level) {
    case 'BACKWARD':
      return { backward: true, forward: false, transitive: false };
    case 'BACKWARD_TRANSITIVE':
      return { backward: true, forward: false, transitive: true };
    case 'FORWARD':
      return { backward: false, forward: true, transitive: false };
    case 'FORWARD_TRANSITIVE':
      return { backward: false, forward: true, transitive: true };
    case 'FULL':
      return { backward: true, forward: true, transitive: false };
    case 'FULL_TRANSITIVE':
      return { backward: true, forward: true, transitive: true };
    case 'NONE':
      return { backward: false, forward: false, transitive: false };
  }
}
