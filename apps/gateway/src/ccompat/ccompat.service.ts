import { Injectable } from '@nestjs/common';
import { isMessageType } from '@lienthong/contracts';
import type { CompatibilityLevel, SchemaVersion } from '@lienthong/registry';
import { RegistryState, SchemaRegistry, canonicalJson } from '@lienthong/registry';
import { checkCompatibility } from '@lienthong/schema';
import type {
  CompatibilityBody,
  RegisteredSchemaId,
  SchemaByIdBody,
  SubjectVersionBody,
} from './ccompat.dto.js';
import {
  deriveMetadata,
  parseConfluentConfig,
  parseConfluentVersion,
  parseSubmittedSchema,
} from './ccompat.dto.js';
import { CONFLUENT_CODES, ConfluentError } from './confluent.exception.js';

/**
 * The Confluent Schema Registry API (JSON Schema only) over the same log-backed registry as
 * `/v1/schemas`: a subject is a message type, a Confluent version is a Lienthong version, and
 * the Confluent schema id is the registry-wide version id.
 */
@Injectable()
export class CcompatService {
  constructor(
    private readonly state: RegistryState,
    private readonly registry: SchemaRegistry,
  ) {}

  subjects(): string[] {
    return this.state.types();
  }

  versions(subject: string): number[] {
    return this.subjectVersions(subject).map((v) => v.version);
  }

  /**
   * Registers a schema under a subject. As in Confluent, a schema already registered under the
   * subject answers with its id whatever metadata it was registered with; a new one gets
   * metadata derived from the schema and the caller.
   */
  async register(subject: string, body: Buffer | undefined, caller: string): Promise<RegisteredSchemaId> {
    const { schema } = parseSubmittedSchema(body);
    const existing = this.findSameSchema(subject, schema);
    if (existing) return { id: existing.id };
    const metadata = deriveMetadata(subject, schema, caller);
    const result = await this.registry.register(subject, { schema, metadata }, caller);
    return { id: result.id };
  }

  /** `POST /subjects/{s}`: the version under which this schema is registered. */
  lookup(subject: string, body: Buffer | undefined): SubjectVersionBody {
    this.subjectVersions(subject);
    const { schema } = parseSubmittedSchema(body);
    const existing = this.findSameSchema(subject, schema);
    if (!existing) throw new ConfluentError(404, CONFLUENT_CODES.schemaNotFound, 'Schema not found');
    return subjectVersionBody(existing);
  }

  version(subject: string, version: string): SubjectVersionBody {
    return subjectVersionBody(this.findVersion(subject, version));
  }

  /** `GET /subjects/{s}/versions/{v}/schema`: the document alone. */
  rawSchema(subject: string, version: string): Readonly<Record<string, unknown>> {
    return this.findVersion(subject, version).schema;
  }

  byId(id: string): SchemaByIdBody {
    const version = /^[1-9][0-9]{0,9}$/.test(id) ? this.state.byGlobalId(Number(id)) : undefined;
    if (!version) throw new ConfluentError(404, CONFLUENT_CODES.schemaNotFound, 'Schema not found');
    return { schema: JSON.stringify(version.schema), schemaType: 'JSON' };
  }

  /**
   * `POST /compatibility/subjects/{s}/versions/{v}`: the candidate against that one version,
   * in the direction the subject's level asks for (as Confluent does for a named version).
   */
  compatibility(
    subject: string,
    version: string,
    body: Buffer | undefined,
    verbose: boolean,
  ): CompatibilityBody {
    const against = this.findVersion(subject, version);
    const { schema } = parseSubmittedSchema(body);
    const level = this.state.effectiveCompatibility(subject);
    if (level === 'NONE') return { is_compatible: true, ...(verbose ? { messages: [] } : {}) };
    const verdict = checkCompatibility(schema, [{ version: against.version, schema: against.schema }], level);
    const answer: CompatibilityBody = { is_compatible: verdict.compatible };
    if (verbose)
      answer.messages = verdict.reasons.map((r) => `${r.rule} at ${r.pointer || '/'}: ${r.message}`);
    return answer;
  }

  /**
   * `GET /config/{s}`: the subject's own level. Like Confluent, 40408 when it has none unless
   * `defaultToGlobal=true`; clients read that 404 as "first registration".
   */
  config(subject: string | null, defaultToGlobal: boolean): { compatibilityLevel: CompatibilityLevel } {
    if (subject === null) return { compatibilityLevel: this.state.defaultCompatibility() };
    const own = isMessageType(subject) ? this.state.subjectCompatibility(subject) : undefined;
    if (own) return { compatibilityLevel: own };
    if (defaultToGlobal) return { compatibilityLevel: this.state.defaultCompatibility() };
    throw new ConfluentError(
      404,
      CONFLUENT_CODES.subjectConfigNotFound,
      `Subject '${subject}' does not have subject-level compatibility configured`,
    );
  }

  async setConfig(
    subject: string | null,
    body: Buffer | undefined,
    caller: string,
  ): Promise<{ compatibility: CompatibilityLevel }> {
    const level = parseConfluentConfig(body);
    return { compatibility: await this.registry.setCompatibility(subject, level, caller) };
  }

  private findSameSchema(subject: string, schema: Record<string, unknown>): SchemaVersion | undefined {
    const wanted = canonicalJson(schema);
    return this.state.versions(subject).find((v) => canonicalJson(v.schema) === wanted);
  }

  private findVersion(subject: string, version: string): SchemaVersion {
    const versions = this.subjectVersions(subject);
    const ref = parseConfluentVersion(version);
    const found = ref === 'latest' ? versions[versions.length - 1] : versions.find((v) => v.version === ref);
    if (!found) throw new ConfluentError(404, CONFLUENT_CODES.versionNotFound, 'Version not found.');
    return found;
  }

  private subjectVersions(subject: string): readonly SchemaVersion[] {
    const versions = isMessageType(subject) ? this.state.versions(subject) : [];
    if (versions.length === 0) {
      throw new ConfluentError(404, CONFLUENT_CODES.subjectNotFound, `Subject '${subject}' not found.`);
    }
    return versions;
  }
}

function subjectVersionBody(v: SchemaVersion): SubjectVersionBody {
  return {
    subject: v.type,
    version: v.version,
    id: v.id,
    schemaType: 'JSON',
    schema: JSON.stringify(v.schema),
  };
}
