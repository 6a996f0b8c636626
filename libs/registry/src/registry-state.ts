import { AgencyDirectory } from './agency-directory.js';
import { AgencyRateLimitDirectory } from './agency-rate-limits.js';
import { SubscriptionDirectory } from './subscription-directory.js';
import type { ApplyOutcome, RegistryStateMachine } from './registry-log.js';
import type { RegistryRecord } from './registry-record.js';
import type { CompatibilityLevel } from '@lienthong/schema';
import { isCompatibilityLevel } from '@lienthong/schema';
import type {
  CompatibilityCheck,
  SchemaVersion,
  SchemaVersionCommand,
  VersionState,
} from './schema-subjects.js';
import { VERSION_STATES, schemaFingerprint } from './schema-subjects.js';

/** The result a `schema-version` command yields to its writer. */
export interface SchemaRegistration {
  type: string;
  version: number;
  id: number;
  created: boolean;
}

interface Subject {
  versions: SchemaVersion[];
  compatibility?: CompatibilityLevel;
}

/**
 * In-memory state of the registry, rebuilt from the log by every replica. `apply` is
 * deterministic: it reads nothing but the record and the state, so replicas agree.
 */
export class RegistryState implements RegistryStateMachine {
  private readonly subjects = new Map<string, Subject>();
  private readonly byId = new Map<number, SchemaVersion>();
  private globalCompatibility: CompatibilityLevel = 'BACKWARD';
  private nextId = 1;
  private readonly listeners: ((version: SchemaVersion) => void)[] = [];
  /** Agencies, keys and grants (trust). */
  readonly agencies = new AgencyDirectory();
  /** Per-agency rate-limit overrides (operators). */
  readonly rateLimits = new AgencyRateLimitDirectory();
  /** Subscriptions (delivery). */
  readonly subscriptions = new SubscriptionDirectory();

  constructor(private readonly compatibility: CompatibilityCheck) {}

  /** Called with each newly accepted version (e.g. to create its record topic). */
  onVersionAdded(listener: (version: SchemaVersion) => void): void {
    this.listeners.push(listener);
  }

  apply(record: RegistryRecord): ApplyOutcome {
    switch (record.kind) {
      case 'schema-version':
        return this.applySchemaVersion(record as RegistryRecord<'schema-version', SchemaVersionCommand>);
      case 'schema-version-state':
        return this.applyVersionState(
          record as RegistryRecord<'schema-version-state', { state: VersionState }>,
        );
      case 'schema-config': {
        const level = (record.data as { compatibility?: unknown } | null)?.compatibility;
        if (!isCompatibilityLevel(level)) return { accepted: false, reason: 'invalid-record' };
        const subject = this.subjects.get(record.id) ?? { versions: [] };
        subject.compatibility = level;
        this.subjects.set(record.id, subject);
        return { accepted: true, result: level };
      }
      case 'global-config': {
        const level = (record.data as { compatibility?: unknown } | null)?.compatibility;
        if (!isCompatibilityLevel(level)) return { accepted: false, reason: 'invalid-record' };
        this.globalCompatibility = level;
        return { accepted: true, result: level };
      }
      case 'agency':
      case 'agency-key':
      case 'grant':
        return this.agencies.apply(record);
      case 'agency-rate-limits':
        return this.rateLimits.apply(record);
      case 'subscription':
        return this.subscriptions.apply(record);
      default:
        // A kind this version does not know (a newer replica wrote it): skip, never fail.
        return { accepted: false, reason: 'unknown-kind' };
    }
  }

  private applySchemaVersion(record: RegistryRecord<'schema-version', SchemaVersionCommand>): ApplyOutcome {
    const command = record.data;
    if (
      !command ||
      typeof command.type !== 'string' ||
      typeof command.schema !== 'object' ||
      !command.metadata
    ) {
      return { accepted: false, reason: 'invalid-record' };
    }
    const fingerprint = schemaFingerprint(command);
    const subject = this.subjects.get(command.type) ?? { versions: [] };
    const existing = subject.versions.find((v) => v.fingerprint === fingerprint);
    if (existing) {
      const result: SchemaRegistration = {
        type: existing.type,
        version: existing.version,
        id: existing.id,
        created: false,
      };
      return { accepted: true, result };
    }
    const level = subject.compatibility ?? this.globalCompatibility;
    const previous = subject.versions.map((v) => ({
      version: v.version,
      schema: v.schema,
    }));
    if (previous.length > 0 && level !== 'NONE') {
      const verdict = this.compatibility(command.schema, previous, level);
      if (!verdict.compatible) return { accepted: false, reason: 'incompatible', details: verdict.reasons };
    }
    const version: SchemaVersion = {
      type: command.type,
      version: (subject.versions[subject.versions.length - 1]?.version ?? 0) + 1,
      id: this.nextId++,
      schema: command.schema,
      metadata: command.metadata,
      fingerprint,
      state: 'active',
      registeredAt: record.at,
    };
    if (record.by !== undefined) version.registeredBy = record.by;
    subject.versions.push(version);
    this.subjects.set(command.type, subject);
    this.byId.set(version.id, version);
    for (const listener of this.listeners) listener(version);
    const result: SchemaRegistration = {
      type: version.type,
      version: version.version,
      id: version.id,
      created: true,
    };
    return { accepted: true, result };
  }

  private applyVersionState(
    record: RegistryRecord<'schema-version-state', { state: VersionState }>,
  ): ApplyOutcome {
    const slash = record.id.lastIndexOf('/');
    const type = record.id.slice(0, slash);
    const n = Number(record.id.slice(slash + 1));
    const state = record.data?.state;
    if (!VERSION_STATES.includes(state)) return { accepted: false, reason: 'invalid-record' };
    const version = this.subjects.get(type)?.versions.find((v) => v.version === n);
    if (!version) return { accepted: false, reason: 'not-found' };
    version.state = state;
    return { accepted: true, result: state };
  }

  // ---- reads ----

  types(): string[] {
    return [...this.subjects.entries()]
      .filter(([, s]) => s.versions.length > 0)
      .map(([t]) => t)
      .sort();
  }

  versions(type: string): readonly SchemaVersion[] {
    return this.subjects.get(type)?.versions ?? [];
  }

  version(type: string, n: number): SchemaVersion | undefined {
    return this.subjects.get(type)?.versions.find((v) => v.version === n);
  }

  latest(type: string): SchemaVersion | undefined {
    const versions = this.subjects.get(type)?.versions;
    return versions?.[versions.length - 1];
  }

  /** The newest version that is not disabled: what a publish without a version header uses. */
  latestEnabled(type: string): SchemaVersion | undefined {
    const versions = this.subjects.get(type)?.versions ?? [];
    for (let i = versions.length - 1; i >= 0; i--) {
      if (versions[i]!.state !== 'disabled') return versions[i];
    }
    return undefined;
  }

  byGlobalId(id: number): SchemaVersion | undefined {
    return this.byId.get(id);
  }

  findByFingerprint(type: string, fingerprint: string): SchemaVersion | undefined {
    return this.subjects.get(type)?.versions.find((v) => v.fingerprint === fingerprint);
  }

  /** The level configured for `type`, or undefined when it follows the global default. */
  subjectCompatibility(type: string): CompatibilityLevel | undefined {
    return this.subjects.get(type)?.compatibility;
  }

  effectiveCompatibility(type: string): CompatibilityLevel {
    return this.subjects.get(type)?.compatibility ?? this.globalCompatibility;
  }

  defaultCompatibility(): CompatibilityLevel {
    return this.globalCompatibility;
  }

  /** Counts for metrics. */
  size(): { types: number; versions: number } {
    return { types: this.types().length, versions: this.byId.size };
  }
}
