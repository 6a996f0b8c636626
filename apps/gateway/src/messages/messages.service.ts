import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Language } from '@lienthong/contracts';
import {
  CE_HEADERS,
  CLOUDEVENTS_SPEC_VERSION,
  CONTENT_TYPE_HEADER,
  registrySchemaUri,
  IDEMPOTENCY_BATCH_INDEX_HEADER,
  IDEMPOTENCY_RECORD_HEADER,
  LienthongError,
  newRecordId,
  RECORD_CONTENT_TYPE,
  recordTopic,
  toProblemDetails,
  unknownTypeError,
  TRACEPARENT_HEADER,
  PUBLISHER_SIGNATURE_HEADER,
  parseTraceparent,
} from '@lienthong/contracts';
import type { OutgoingRecord, RecordCoordinates } from '@lienthong/kafka';
import { RecordProducer } from '@lienthong/kafka';
import type { SchemaVersion } from '@lienthong/registry';
import { RegistryState, SchemaValidators } from '@lienthong/registry';
import type { CompiledSchema } from '@lienthong/schema';
import { parseStrictJson, splitJsonArray } from '@lienthong/schema';
import type { AgencyKey } from '@lienthong/trust';
import { ReceiptSigner, parseAgencyJwks, sha256Base64url, verifyPublisherSignature } from '@lienthong/trust';
import { LienthongMetrics, stopwatch } from '@lienthong/observability';
import type { IHeaders } from 'kafkajs';
import { GatewayAudit } from '../audit/gateway-audit.service.js';
import type { GatewayConfig } from '../config/gateway-config.js';
import { GATEWAY_CONFIG } from '../config/gateway-config.js';
import type { BatchItemResult, BatchResult, PublishContext, PublishResult } from './messages.dto.js';
import { parseTypeName } from '../schemas/schemas.dto.js';
import { MAX_BATCH_RECORDS } from './messages.dto.js';

type RejectedItemProblem = Extract<BatchItemResult, { status: 'rejected' }>['problem'];

interface PreparedRecord {
  id: string;
  body: Buffer;
  record: OutgoingRecord;
}

/**
 * Accepts records: authorised type, strict JSON, schema-valid, keyed, signature checked when
 * sent or required; then writes them to Kafka with CloudEvents headers and the body bytes
 * untouched, and signs a receipt only after Kafka acknowledged.
 */
@Injectable()
export class MessagesService {
  constructor(
    private readonly registry: RegistryState,
    private readonly validators: SchemaValidators,
    private readonly producer: RecordProducer,
    private readonly receipts: ReceiptSigner,
    private readonly metrics: LienthongMetrics,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly audit: GatewayAudit,
  ) {}

  async publish(type: string, body: Buffer, context: PublishContext): Promise<PublishResult> {
    const version = this.authorise(type, context);
    await context.admit?.(1);
    const schema = this.validators.get(version);
    // A retry whose earlier attempt's record is already in Kafka answers from that record.
    const written = context.idempotency?.written?.get(0);
    const acceptedAt = written ? new Date(written.acceptedAt) : new Date();
    const prepared = this.prepare(schema, body, context, acceptedAt);
    if (context.signature !== undefined || schema.metadata.signatureRequired) {
      await this.checkSignature(type, body, context);
    }
    const topic = recordTopic(type);
    const coordinates =
      written ?? (await this.write(topic, () => this.producer.send(topic, prepared.record)));
    const id = written?.id ?? prepared.id;
    const signing = stopwatch();
    const bodySha256 = sha256Base64url(body);
    const receipt = await this.receipts.sign({
      messageId: id,
      type,
      schemaVersion: schema.version,
      publisher: context.agencyId,
      bodySha256,
      topic,
      partition: coordinates.partition,
      offset: coordinates.offset,
      acceptedAt,
    });
    this.metrics.receiptSigned(signing());
    this.metrics.accepted(type, context.agencyId);
    this.audit.record({
      kind: 'publish-accepted',
      messageId: id,
      type,
      publisher: context.agencyId,
      schemaVersion: schema.version,
      bodySha256,
      outcome: 'accepted',
    });
    return {
      id,
      type,
      schemaVersion: schema.version,
      ...(version.state === 'deprecated' ? { schemaDeprecated: true as const } : {}),
      topic,
      partition: coordinates.partition,
      offset: coordinates.offset,
      acceptedAt: acceptedAt.toISOString(),
      receipt,
    };
  }

  /** Up to MAX_BATCH_RECORDS records of one type; each validated on its own, written together. */
  async publishBatch(type: string, body: Buffer, context: PublishContext): Promise<BatchResult> {
    const version = this.authorise(type, context);
    const schema = this.validators.get(version);
    const parsed = parseStrictJson(body);
    if (!Array.isArray(parsed)) {
      throw new LienthongError('validation-failed', {
        detail: 'A batch is a JSON array of records.',
        detailVi: 'Một lô là một mảng JSON các bản ghi.',
        errors: [{ pointer: '', message: 'must be an array', messageVi: 'phải là một mảng' }],
      });
    }
    if (parsed.length === 0)
      throw new LienthongError('empty-body', { detail: 'The batch is empty.', detailVi: 'Lô trống.' });
    if (parsed.length > MAX_BATCH_RECORDS) {
      throw new LienthongError('batch-too-large', {
        detail: `At most ${MAX_BATCH_RECORDS} records per batch.`,
        detailVi: `Tối đa ${MAX_BATCH_RECORDS} bản ghi mỗi lô.`,
      });
    }
    if (context.signature !== undefined || schema.metadata.signatureRequired) {
      // A detached signature covers one body; batches carry none (sign records one by one).
      throw new LienthongError('invalid-header', {
        detail: 'Batches carry no publisher signature; publish signed records one by one.',
        detailVi: 'Lô không mang chữ ký của bên gửi; hãy gửi từng bản ghi đã ký.',
      });
    }
    await context.admit?.(parsed.length);
    const elements = splitJsonArray(body);
    const written = context.idempotency?.written;
    const [earlier] = written?.values() ?? [];
    const acceptedAt = earlier ? new Date(earlier.acceptedAt) : new Date();
    const results: (BatchItemResult | undefined)[] = [];
    const accepted: { index: number; prepared: PreparedRecord }[] = [];
    elements.forEach((element, index) => {
      try {
        accepted.push({
          index,
          prepared: this.prepare(
            schema,
            element,
            { ...context, signature: undefined },
            acceptedAt,
            index,
            // Already parsed (and checked strictly) as part of the whole array: not again.
            (parsed as unknown[])[index],
          ),
        });
        results.push(undefined);
      } catch (error) {
        if (!(error instanceof LienthongError)) throw error;
        this.metrics.rejected(type, context.agencyId, error.code);
        results.push({ index, status: 'rejected', problem: this.itemProblem(error, context.language) });
        this.audit.record({
          kind: 'publish-refused',
          messageId: randomUUID(),
          type,
          publisher: context.agencyId,
          schemaVersion: schema.version,
          bodySha256: sha256Base64url(element),
          outcome: error.code,
          detail: `batch index ${index}`,
        });
      }
    });
    const topic = recordTopic(type);
    let receipt: string | undefined;
    if (accepted.length > 0) {
      // Records an earlier attempt already wrote are not written again (idempotent retries).
      const pending = written ? accepted.filter((a) => !written.has(a.index)) : accepted;
      const fresh =
        pending.length === 0
          ? []
          : await this.write(topic, () =>
              this.producer.sendBatch(
                topic,
                pending.map((a) => a.prepared.record),
              ),
            );
      let next = 0;
      const records = accepted.map(({ index, prepared }) => {
        const earlierRecord = written?.get(index);
        const c = earlierRecord ?? fresh[next++]!;
        const id = earlierRecord?.id ?? prepared.id;
        results[index] = {
          index,
          status: 'accepted',
          id,
          partition: c.partition,
          offset: c.offset,
        };
        return {
          messageId: id,
          bodySha256: sha256Base64url(prepared.body),
          topic,
          partition: c.partition,
          offset: c.offset,
        };
      });
      const signing = stopwatch();
      receipt = await this.receipts.signBatch({
        type,
        schemaVersion: schema.version,
        publisher: context.agencyId,
        acceptedAt,
        records,
      });
      this.metrics.receiptSigned(signing());
      for (let i = 0; i < accepted.length; i++) this.metrics.accepted(type, context.agencyId);
      this.audit.record(
        records.map((r) => ({
          kind: 'publish-accepted' as const,
          messageId: r.messageId,
          type,
          publisher: context.agencyId,
          schemaVersion: schema.version,
          bodySha256: r.bodySha256,
          outcome: 'accepted',
        })),
      );
    }
    return {
      type,
      schemaVersion: schema.version,
      topic,
      acceptedAt: acceptedAt.toISOString(),
      accepted: accepted.length,
      rejected: elements.length - accepted.length,
      results: results as BatchItemResult[],
      ...(receipt ? { receipt } : {}),
    };
  }

  /** Deny by default: the caller must be a publisher holding the publish grant for `type`. */
  /**
   * Audits a refused publish request (the error it answers with): the problem code, and the
   * type only when it is registered, since a client may put anything in the path.
   */
  auditRefusal(type: string, publisher: string | undefined, body: Buffer | undefined, error: unknown): void {
    this.audit.record({
      kind: 'publish-refused',
      messageId: randomUUID(),
      ...(this.registry.latest(type) !== undefined ? { type } : {}),
      ...(publisher !== undefined ? { publisher } : {}),
      ...(Buffer.isBuffer(body) ? { bodySha256: sha256Base64url(body) } : {}),
      outcome: error instanceof LienthongError ? error.code : 'internal-error',
    });
  }

  private authorise(type: string, context: PublishContext): SchemaVersion {
    // Types are public (AsyncAPI lists them), so an unknown type is a 404 before any 403.
    const version = this.schemaVersionFor(type, context.schemaVersion);
    const agencies = this.registry.agencies;
    const agency = context.agencyId;
    if (!agencies.hasRole(agency, 'publisher')) {
      throw new LienthongError('forbidden', {
        detail: `Agency ${agency} may not publish ${type}: it does not hold the publisher role, which an operator gives to the agency.`,
        detailVi: `Cơ quan ${agency} không được phép gửi ${type}: cơ quan chưa có vai trò bên gửi (publisher); vai trò này do quản trị viên hệ thống cấp.`,
      });
    }
    if (!agencies.hasGrant(agency, 'publish', type)) {
      // Owning a type (registering its schemas) is not the right to publish it: say so.
      const owns = version.metadata.owner === agency;
      const how = `PUT /v1/agencies/${agency}/grants/publish/${type}`;
      throw new LienthongError('forbidden', {
        detail: owns
          ? `Agency ${agency} owns ${type} but holds no publish grant on it; owning a type does not include publishing it. An operator grants it: ${how}.`
          : `Agency ${agency} holds no publish grant on ${type}. An operator grants it (${how}) once the owner agrees.`,
        detailVi: owns
          ? `Cơ quan ${agency} là chủ sở hữu loại thông điệp ${type} nhưng chưa được cấp quyền gửi; quyền sở hữu không bao gồm quyền gửi. Quyền gửi do quản trị viên hệ thống cấp: ${how}.`
          : `Cơ quan ${agency} chưa được cấp quyền gửi ${type}. Quản trị viên hệ thống cấp quyền này (${how}) khi cơ quan chủ sở hữu đồng ý.`,
      });
    }
    if (version.state === 'deprecated') this.metrics.deprecatedVersionUsed(type);
    return version;
  }

  private prepare(
    schema: CompiledSchema,
    body: Buffer,
    context: PublishContext,
    acceptedAt: Date,
    batchIndex?: number,
    parsed?: unknown,
  ): PreparedRecord {
    const payload = parsed === undefined ? parseStrictJson(body) : parsed;
    const validation = stopwatch();
    const errors = schema.validate(payload);
    this.metrics.schemaValidation(schema.type, validation());
    if (errors.length > 0) {
      throw new LienthongError('validation-failed', {
        detail: `${errors.length} violation(s) of ${schema.type} schema version ${schema.version}.`,
        detailVi: `${errors.length} lỗi so với lược đồ ${schema.type} phiên bản ${schema.version}.`,
        errors,
      });
    }
    const key = schema.recordKey(payload);
    if (context.traceparent !== undefined && !parseTraceparent(context.traceparent)) {
      throw new LienthongError('invalid-header', {
        detail: 'traceparent must follow W3C Trace Context version 00.',
        detailVi: 'traceparent phải theo chuẩn W3C Trace Context phiên bản 00.',
      });
    }
    const id = newRecordId(acceptedAt.getTime());
    const headers: IHeaders = {
      [CE_HEADERS.specversion]: CLOUDEVENTS_SPEC_VERSION,
      [CE_HEADERS.id]: id,
      [CE_HEADERS.source]: context.agencyId,
      [CE_HEADERS.type]: schema.type,
      [CE_HEADERS.time]: acceptedAt.toISOString(),
      [CE_HEADERS.dataschema]: registrySchemaUri(schema.type, schema.version),
      [CE_HEADERS.subject]: key,
      [CONTENT_TYPE_HEADER]: RECORD_CONTENT_TYPE,
    };
    if (context.traceparent) headers[TRACEPARENT_HEADER] = context.traceparent;
    if (context.signature) headers[PUBLISHER_SIGNATURE_HEADER] = context.signature;
    if (context.idempotency) {
      headers[IDEMPOTENCY_RECORD_HEADER] = context.idempotency.tag;
      if (batchIndex !== undefined) headers[IDEMPOTENCY_BATCH_INDEX_HEADER] = String(batchIndex);
    }
    return { id, body, record: { key, value: body, headers } };
  }

  private async checkSignature(type: string, body: Buffer, context: PublishContext): Promise<void> {
    if (context.signature === undefined) {
      throw new LienthongError('invalid-publisher-signature', {
        detail: `${type} requires a Lienthong-Signature (detached JWS over the body).`,
        detailVi: `${type} yêu cầu Lienthong-Signature (JWS tách rời trên nội dung).`,
      });
    }
    const keys: AgencyKey[] = [];
    for (const key of this.registry.agencies.activeKeys(context.agencyId)) {
      keys.push(...parseAgencyJwks({ keys: [key.jwk] }));
    }
    // Throws TrustError (invalid-publisher-signature) on any mismatch of body, type, key or time.
    await verifyPublisherSignature(context.signature, body, { type, agencyKeys: keys });
  }

  private async write<T>(topic: string, send: () => Promise<T>): Promise<T> {
    try {
      return await this.metrics.timeProduce(topic, send);
    } catch (cause) {
      throw new LienthongError('kafka-unavailable', {
        retryAfterSeconds: this.config.retryAfterSeconds,
        cause,
      });
    }
  }

  private itemProblem(error: LienthongError, language: Language): RejectedItemProblem {
    const problem = toProblemDetails(error, language);
    return {
      code: problem.code,
      title: problem.title,
      ...(problem.errors ? { errors: problem.errors } : {}),
    };
  }

  /** The version named by `Lienthong-Schema-Version`, else the newest enabled one. */
  private schemaVersionFor(type: string, requested: string | undefined): SchemaVersion {
    // A name that cannot be a type is the caller's mistake, not a missing type (docs/registry.md).
    parseTypeName(type);
    if (this.registry.latest(type) === undefined) throw unknownTypeError(type, this.registry.types());
    let version: SchemaVersion | undefined;
    if (requested === undefined) {
      version = this.registry.latestEnabled(type);
    } else {
      if (!/^[1-9][0-9]{0,8}$/.test(requested)) {
        throw new LienthongError('invalid-header', {
          detail: 'Lienthong-Schema-Version must be a positive integer.',
          detailVi: 'Lienthong-Schema-Version phải là số nguyên dương.',
        });
      }
      version = this.registry.version(type, Number(requested));
      if (!version) {
        throw new LienthongError('unknown-schema-version', {
          detail: `${type} has no version ${requested}.`,
          detailVi: `${type} không có phiên bản ${requested}.`,
        });
      }
    }
    if (!version || version.state === 'disabled') {
      throw new LienthongError('schema-version-disabled', {
        detail: version
          ? `${type} version ${version.version} is disabled.`
          : `Every version of ${type} is disabled.`,
        detailVi: version
          ? `${type} phiên bản ${version.version} đã bị vô hiệu hoá.`
          : `Mọi phiên bản của ${type} đã bị vô hiệu hoá.`,
      });
    }
    return version;
  }
}

export type { RecordCoordinates };
