import { randomUUID } from 'node:crypto';
import { LienthongError, isMessageType } from '@lienthong/contracts';
import type { ApplyOutcome, RegistryLog } from './registry-log.js';
import { RegistryUnavailableError } from './registry-log.js';
import type { RegistryState, SchemaRegistration } from './registry-state.js';
import type { CompatibilityLevel, CompatibilityReason, CompatibilityResult } from '@lienthong/schema';
import type {
  CompatibilityCheck,
  SchemaVersionCommand,
  SchemaVersionMetadata,
  VersionState,
} from './schema-subjects.js';
import { schemaFingerprint } from './schema-subjects.js';

export interface SchemaRegistrationInput {
  schema: Record<string, unknown>;
  metadata: SchemaVersionMetadata;
}

export interface SchemaRegistryDeps {
  /**
   * Checks an untrusted candidate before anything is written: safe to compile (meta-schema,
   * strict mode, RE2 regexes, limits, no remote refs), metadata well-formed, examples valid.
   * Throws LienthongError (422) naming the offending pointer.
   */
  vet(type: string, input: SchemaRegistrationInput): void;
  compatibility: CompatibilityCheck;
  /** Makes sure `lienthong.records.<type>` exists before the type becomes visible. */
  ensureRecordTopic(type: string): Promise<void>;
}

/**
 * The write side of the schema registry. Validates and pre-checks on this replica for a fast,
 * detailed answer; then appends to the log, where the state machine re-checks in log order, so
 * two replicas racing on one type end with distinct versions, identical everywhere.
 */
export class SchemaRegistry {
  constructor(
    private readonly log: RegistryLog,
    private readonly state: RegistryState,
    private readonly deps: SchemaRegistryDeps,
  ) {}

  /**
   * Registers a version. `by` is the calling agency; without it (seeding from files) the
   * ownership rules do not apply. A new type is owned by the agency named in its metadata,
   * which must be the caller; new versions of a type only come from its owner (or an operator).
   */
  async register(type: string, input: SchemaRegistrationInput, by?: string): Promise<SchemaRegistration> {
    assertTypeName(type);
    if (by !== undefined) {
      this.assertMayChange(type, by);
      if (input.metadata.owner !== by && !this.state.agencies.hasRole(by, 'operator')) {
        throw forbidden(
          `metadata.owner must be your agency (${by}).`,
          `metadata.owner phải là cơ quan của bạn (${by}).`,
        );
      }
    }
    this.deps.vet(type, input);
    const existing = this.state.findByFingerprint(type, schemaFingerprint(input));
    if (existing) return { type, version: existing.version, id: existing.id, created: false };
    const verdict = this.checkCompatibility(type, input.schema);
    if (!verdict.compatible) throw incompatible(type, verdict.reasons);
    await this.deps.ensureRecordTopic(type);
    const command: SchemaVersionCommand = { type, schema: input.schema, metadata: input.metadata };
    const outcome = await this.write(() =>
      this.log.append('schema-version', `${type}/${randomUUID()}`, command, by),
    );
    if (outcome.accepted) return outcome.result as SchemaRegistration;
    if (outcome.reason === 'incompatible') throw incompatible(type, outcome.details as CompatibilityReason[]);
    throw new Error(`registry refused the registration: ${outcome.reason}`);
  }

  /** Whether `candidate` could be registered under the type's level, with every reason if not. */
  checkCompatibility(
    type: string,
    candidate: Record<string, unknown>,
    level?: CompatibilityLevel,
  ): CompatibilityResult {
    const effective = level ?? this.state.effectiveCompatibility(type);
    const previous = this.state.versions(type).map((v) => ({ version: v.version, schema: v.schema }));
    if (previous.length === 0 || effective === 'NONE') return { compatible: true, reasons: [] };
    return this.deps.compatibility(candidate, previous, effective);
  }

  /** Sets the level of one type, or the global default when `type` is null. */
  async setCompatibility(
    type: string | null,
    level: CompatibilityLevel,
    by?: string,
  ): Promise<CompatibilityLevel> {
    if (type !== null) assertTypeName(type);
    const outcome = await this.write(() =>
      type === null
        ? this.log.append('global-config', 'global', { compatibility: level }, by)
        : this.log.append('schema-config', type, { compatibility: level }, by),
    );
    if (!outcome.accepted) throw new Error(`registry refused the config change: ${outcome.reason}`);
    return level;
  }

  /** Deprecates, disables or re-activates one version. */
  async setVersionState(type: string, version: number, state: VersionState, by?: string): Promise<void> {
    if (by !== undefined) this.assertMayChange(type, by);
    if (!this.state.version(type, version)) {
      throw new LienthongError('unknown-schema-version', {
        detail: `${type} has no version ${version}.`,
        detailVi: `${type} không có phiên bản ${version}.`,
      });
    }
    const outcome = await this.write(() =>
      this.log.append('schema-version-state', `${type}/${version}`, { state }, by),
    );
    if (!outcome.accepted) throw new Error(`registry refused the state change: ${outcome.reason}`);
  }

  /** Only the owner of an existing type (the owner of its latest version) or an operator. */
  private assertMayChange(type: string, by: string): void {
    const owner = this.state.latest(type)?.metadata.owner;
    if (owner !== undefined && owner !== by && !this.state.agencies.hasRole(by, 'operator')) {
      throw forbidden(`${type} is owned by ${owner}.`, `${type} thuộc quyền của ${owner}.`);
    }
  }

  private async write(append: () => Promise<ApplyOutcome>): Promise<ApplyOutcome> {
    try {
      return await append();
    } catch (cause) {
      if (cause instanceof RegistryUnavailableError) {
        throw new LienthongError('registry-unavailable', { retryAfterSeconds: 5, cause });
      }
      throw cause;
    }
  }
}

function assertTypeName(type: string): void {
  if (!isMessageType(type)) {
    throw new LienthongError('invalid-type-name', {
      detail: `"${type}" is not a valid type name: lower-case words of letters, digits and hyphens, separated by dots.`,
      detailVi: `"${type}" không phải tên loại hợp lệ: các từ chữ thường, chữ số và gạch nối, ngăn cách bởi dấu chấm.`,
    });
  }
}

function forbidden(detail: string, detailVi: string): LienthongError {
  return new LienthongError('forbidden', { detail, detailVi });
}

function incompatible(type: string, reasons: CompatibilityReason[]): LienthongError {
  return new LienthongError('schema-incompatible', {
    detail: `The schema is not compatible with the registered versions of ${type}.`,
    detailVi: `Lược đồ không tương thích với các phiên bản đã đăng ký của ${type}.`,
    errors: reasons.map((r) => ({
      pointer: r.pointer,
      keyword: r.rule,
      message: `${r.message} (against version ${r.againstVersion})`,
      messageVi: `${r.messageVi} (so với phiên bản ${r.againstVersion})`,
    })),
  });
}
