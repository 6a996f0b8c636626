import { Injectable } from '@nestjs/common';
import type { Language } from '@lienthong/contracts';
import { LienthongError, unknownTypeError } from '@lienthong/contracts';
import type { SchemaVersion, VersionState } from '@lienthong/registry';
import { RegistryState, SchemaRegistry } from '@lienthong/registry';
import type {
  CompatibilityConfig,
  CompatibilityReport,
  RegistrationResult,
  TypeList,
  VersionList,
  VersionView,
} from './schemas.dto.js';
import {
  parseCompatibilityRequest,
  parseConfigUpdate,
  parseRegistration,
  parseStateUpdate,
  parseTypeName,
  parseVersionNumber,
  parseVersionRef,
  versionSummary,
  versionView,
} from './schemas.dto.js';

/**
 * The `/v1/schemas` API over the log-backed registry: reads come from this replica's
 * `RegistryState`, writes go through `SchemaRegistry` (appended to the log, answered once this
 * replica applied them). Bodies arrive parsed as strict JSON; this service checks their shape.
 */
@Injectable()
export class SchemasService {
  constructor(
    private readonly state: RegistryState,
    private readonly registry: SchemaRegistry,
  ) {}

  async register(type: string, body: unknown, by: string): Promise<RegistrationResult> {
    parseTypeName(type);
    try {
      return await this.registry.register(type, parseRegistration(body), by);
    } catch (error) {
      throw pointIntoRequest(error);
    }
  }

  list(): TypeList {
    const types = this.state.types().flatMap((type) => {
      const latest = this.state.latest(type);
      if (!latest) return [];
      return [
        {
          type,
          latestVersion: latest.version,
          latestId: latest.id,
          state: latest.state,
          ...(latest.state === 'deprecated' ? { deprecated: true as const } : {}),
          versions: this.state.versions(type).length,
          compatibility: this.state.effectiveCompatibility(type),
          owner: latest.metadata.owner,
          description: latest.metadata.description,
        },
      ];
    });
    return { compatibility: this.state.defaultCompatibility(), types };
  }

  versions(type: string): VersionList {
    this.knownType(type);
    return {
      type,
      compatibility: this.state.effectiveCompatibility(type),
      versions: this.state.versions(type).map(versionSummary),
    };
  }

  version(type: string, ref: string): VersionView {
    return versionView(this.findVersion(type, ref));
  }

  byId(id: number): VersionView {
    const version = this.state.byGlobalId(id);
    if (!version) {
      throw new LienthongError('unknown-schema-version', {
        detail: `No schema has id ${id}.`,
        detailVi: `Không có lược đồ nào mang mã ${id}.`,
      });
    }
    return versionView(version);
  }

  /** Checks a candidate against the registered versions without registering it. */
  checkCompatibility(type: string, body: unknown, lang: Language): CompatibilityReport {
    parseTypeName(type);
    const request = parseCompatibilityRequest(body);
    const level = request.level ?? this.state.effectiveCompatibility(type);
    const verdict = this.registry.checkCompatibility(type, request.schema, level);
    return {
      compatible: verdict.compatible,
      level,
      reasons: verdict.reasons.map((r) => ({
        pointer: r.pointer,
        rule: r.rule,
        message: lang === 'vi' ? r.messageVi : r.message,
        againstVersion: r.againstVersion,
      })),
    };
  }

  /** The level of `type` (its own, or the global default it follows); null: the global default. */
  config(type: string | null): CompatibilityConfig {
    if (type === null) return { compatibility: this.state.defaultCompatibility() };
    parseTypeName(type);
    const own = this.state.subjectCompatibility(type);
    return own
      ? { compatibility: own, source: 'type' }
      : { compatibility: this.state.defaultCompatibility(), source: 'global' };
  }

  async setConfig(type: string | null, body: unknown, by: string): Promise<CompatibilityConfig> {
    if (type !== null) parseTypeName(type);
    const level = parseConfigUpdate(body);
    const compatibility = await this.registry.setCompatibility(type, level, by);
    return type === null ? { compatibility } : { compatibility, source: 'type' };
  }

  async setState(type: string, ref: string, body: unknown, by: string): Promise<VersionView> {
    this.knownType(type);
    const n = parseVersionNumber(type, ref);
    const state: VersionState = parseStateUpdate(body);
    await this.registry.setVersionState(type, n, state, by);
    return this.version(type, String(n));
  }

  private findVersion(type: string, ref: string): SchemaVersion {
    this.knownType(type);
    const parsed = parseVersionRef(type, ref);
    const version = parsed === 'latest' ? this.state.latest(type) : this.state.version(type, parsed);
    if (!version) {
      throw new LienthongError('unknown-schema-version', {
        detail: `${type} has no version ${ref}.`,
        detailVi: `${type} không có phiên bản ${ref}.`,
      });
    }
    return version;
  }

  private knownType(type: string): void {
    parseTypeName(type);
    if (!this.state.latest(type)) throw unknownTypeError(type, this.state.types());
  }
}

/** Refusals of the schema document itself, whose pointers the registry gives within the schema. */
const SCHEMA_DOCUMENT_REFUSALS = new Set<string>([
  'schema-invalid',
  'schema-unsafe-regex',
  'schema-remote-ref',
  'schema-data-ref',
  'schema-too-large',
  'schema-too-deep',
  'schema-format-not-allowed',
  'schema-draft-not-supported',
]);

/**
 * A 422 of this API names pointers into the request body, so a refusal of the schema document
 * gets `/schema` in front of its pointers. Incompatibility reasons (409) stay pointers into the
 * candidate schema, as the compatibility check reports them.
 */
function pointIntoRequest(error: unknown): unknown {
  if (!(error instanceof LienthongError) || !SCHEMA_DOCUMENT_REFUSALS.has(error.code)) return error;
  return new LienthongError(error.code, {
    ...error.options,
    errors: error.options.errors?.map((e) => ({ ...e, pointer: `/schema${e.pointer}` })),
    cause: error,
  });
}
