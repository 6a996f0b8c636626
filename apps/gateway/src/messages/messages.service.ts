import { Inject, Injectable } from '@nestjs/common';
import {
  CE_HEADERS,
  CLOUDEVENTS_SPEC_VERSION,
  CONTENT_TYPE_HEADER,
  LienthongError,
  RECORD_CONTENT_TYPE,
  TRACEPARENT_HEADER,
  dataSchemaUri,
  isMessageType,
  recordTopic,
} from '@lienthong/contracts';
import { RecordProducer } from '@lienthong/kafka';
import type { RecordCoordinates } from '@lienthong/kafka';
import type { SchemaVersion } from '@lienthong/registry';
import { RegistryState, SchemaValidators } from '@lienthong/registry';
import { parseStrictJson } from '@lienthong/schema';
import type { IHeaders } from 'kafkajs';
import { v7 as uuidv7 } from 'uuid';
import type { GatewayConfig } from '../config/gateway-config.js';
import { GATEWAY_CONFIG } from '../config/gateway-config.js';
import type { PublishContext, PublishResult } from './messages.dto.js';

/** W3C Trace Context `traceparent`, version 00 (section 3.2). */
const TRACEPARENT = /^00-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}$/;

/**
 * Accepts one record: known type, strict JSON, schema-valid, keyed; then writes it to Kafka with
 * CloudEvents headers and the body bytes untouched. Answers only after Kafka acknowledged.
 */
@Injectable()
export class MessagesService {
  constructor(
    private readonly registry: RegistryState,
    private readonly validators: SchemaValidators,
    private readonly producer: RecordProducer,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  async publish(type: string, body: Buffer, context: PublishContext): Promise<PublishResult> {
    const version = this.schemaVersionFor(type, context.schemaVersion);
    const schema = this.validators.get(version);
    const payload = parseStrictJson(body);
    const errors = schema.validate(payload);
    if (errors.length > 0) {
      throw new LienthongError('validation-failed', {
        detail: `${errors.length} violation(s) of ${type} schema version ${schema.version}.`,
        detailVi: `${errors.length} lỗi so với lược đồ ${type} phiên bản ${schema.version}.`,
        errors,
      });
    }
    const key = schema.recordKey(payload);
    if (context.traceparent !== undefined && !TRACEPARENT.test(context.traceparent)) {
      throw new LienthongError('invalid-header', {
        detail: 'traceparent must follow W3C Trace Context version 00.',
        detailVi: 'traceparent phải theo chuẩn W3C Trace Context phiên bản 00.',
      });
    }

    const id = uuidv7();
    const acceptedAt = new Date().toISOString();
    const headers: IHeaders = {
      [CE_HEADERS.specversion]: CLOUDEVENTS_SPEC_VERSION,
      [CE_HEADERS.id]: id,
      [CE_HEADERS.source]: context.agencyId,
      [CE_HEADERS.type]: type,
      [CE_HEADERS.time]: acceptedAt,
      [CE_HEADERS.dataschema]: dataSchemaUri(type, schema.version),
      [CE_HEADERS.subject]: key,
      [CONTENT_TYPE_HEADER]: RECORD_CONTENT_TYPE,
    };
    if (context.traceparent) headers[TRACEPARENT_HEADER] = context.traceparent;

    const topic = recordTopic(type);
    let coordinates: RecordCoordinates;
    try {
      coordinates = await this.producer.send(topic, { key, value: body, headers });
    } catch (cause) {
      throw new LienthongError('kafka-unavailable', {
        retryAfterSeconds: this.config.retryAfterSeconds,
        cause,
      });
    }
    return {
      id,
      type,
      schemaVersion: schema.version,
      ...(version.state === 'deprecated' ? { schemaDeprecated: true } : {}),
      topic,
      partition: coordinates.partition,
      offset: coordinates.offset,
      acceptedAt,
    };
  }

  /** The version named by `Lienthong-Schema-Version`, else the newest enabled one. */
  private schemaVersionFor(type: string, requested: string | undefined): SchemaVersion {
    const known = isMessageType(type) && this.registry.latest(type) !== undefined;
    if (!known) {
      throw new LienthongError('unknown-type', {
        detail: `No message type "${type}" is registered.`,
        detailVi: `Chưa đăng ký loại thông điệp "${type}".`,
      });
    }
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
