import Module, { createRequire } from 'node:module';
import { crc32c } from '@node-rs/crc32';

/**
 * Faster drop-ins for two kafkajs internals on the produce path. kafkajs 2.2.4 (pinned, and no
 * longer developed) has no option to plug either in, so `installKafkajsFastPath` puts them into
 * Node's CommonJS module cache under the paths kafkajs requires them from; kafkajs loads those
 * modules lazily, on its first produce request, and from then on uses ours. Both produce the
 * same bytes as the originals (tested byte for byte against them), so brokers and consumers
 * see no difference. Measured gains are in docs/benchmarks.md.
 */
const require = createRequire(import.meta.url);
const paths = {
  crc32c: require.resolve('kafkajs/src/protocol/recordBatch/crc32C/index.js'),
  record: require.resolve('kafkajs/src/protocol/recordBatch/record/v0/index.js'),
  recordBatch: require.resolve('kafkajs/src/protocol/recordBatch/v0/index.js'),
  produceV3: require.resolve('kafkajs/src/protocol/requests/produce/v3/request.js'),
};

/** The part of kafkajs' Encoder that record batches read from the records they are given. */
interface EncoderLike {
  buf: Buffer;
  offset: number;
}
const EncoderPrototype = (require('kafkajs/src/protocol/encoder.js') as { prototype: object }).prototype;

/** CRC-32C (Castagnoli), unsigned, computed with SSE4.2/ARMv8 instructions (napi). */
export function nativeCrc32c(buffer: Buffer): number {
  return crc32c(buffer) >>> 0;
}

type HeaderValue = Buffer | string | null | undefined;
export interface RecordInput {
  offsetDelta?: number;
  timestampDelta?: number;
  key?: Buffer | string | null;
  value?: Buffer | string | null;
  headers?: Record<string, HeaderValue | HeaderValue[]>;
}

/** A varint-length-prefixed field: raw bytes, a string (written as UTF-8), or null (length -1). */
type Field = Buffer | string | null;

function fieldOf(value: Buffer | string | null | undefined): Field {
  return value === undefined ? null : value;
}

function byteLengthOf(field: Field): number {
  return field === null ? -1 : typeof field === 'string' ? Buffer.byteLength(field, 'utf8') : field.length;
}

function zigZag32(value: number): number {
  return ((value << 1) ^ (value >> 31)) >>> 0;
}

function sizeOfUnsignedVarint(value: number): number {
  let bytes = 1;
  while (value >= 0x80) {
    bytes++;
    value = Math.floor(value / 0x80);
  }
  return bytes;
}

/** Zig-zag of a 64-bit integer held in a safe JavaScript number, as a non-negative number. */
function zigZag64(value: number): number {
  if (!Number.isSafeInteger(value)) throw new TypeError(`timestampDelta ${value} is not a safe integer`);
  return value >= 0 ? value * 2 : -value * 2 - 1;
}

/**
 * Record v2 (KIP-98), as kafkajs' `protocol/recordBatch/record/v0` encodes it:
 * Length varint, Attributes int8, TimestampDelta varlong, OffsetDelta varint, Key varint|bytes,
 * Value varint|bytes, Headers [varint|string varint|bytes] — into one exact-size buffer, where
 * kafkajs allocates a 512-byte zeroed encoder and one small array and buffer per varint, per
 * field and per header (~10 allocations a record with our CloudEvents headers).
 */
export function encodeRecord({
  offsetDelta = 0,
  timestampDelta = 0,
  key,
  value,
  headers = {},
}: RecordInput): EncoderLike {
  // Strings are measured once and written straight into the record's buffer: no intermediate
  // Buffer per header name or value.
  const fields: Field[] = [fieldOf(key), fieldOf(value)];
  for (const name of Object.keys(headers)) {
    const entry = headers[name];
    for (const headerValue of Array.isArray(entry) ? entry : [entry]) fields.push(name, fieldOf(headerValue));
  }
  const lengths = fields.map(byteLengthOf);
  const headerFields = fields.length - 2;
  const timestamp = zigZag64(timestampDelta);
  const offset = zigZag32(offsetDelta);
  let body = 1 + sizeOfUnsignedVarint(timestamp) + sizeOfUnsignedVarint(offset);
  body += sizeOfUnsignedVarint(headerFields); // zig-zag of the header count (2 fields each)
  for (const length of lengths) body += length < 0 ? 1 : sizeOfUnsignedVarint(length * 2) + length;

  const buf = Buffer.allocUnsafe(sizeOfUnsignedVarint(body * 2) + body);
  let at = 0;
  const varint = (unsigned: number) => {
    while (unsigned >= 0x80) {
      buf[at++] = (unsigned % 0x80) | 0x80;
      unsigned = Math.floor(unsigned / 0x80);
    }
    buf[at++] = unsigned;
  };
  const write = (i: number) => {
    const field = fields[i]!;
    const length = lengths[i]!;
    if (field === null) {
      buf[at++] = 0x01; // zig-zag of -1
      return;
    }
    varint(length * 2);
    if (typeof field === 'string') buf.write(field, at, length, 'utf8');
    else field.copy(buf, at);
    at += length;
  };
  varint(body * 2);
  buf[at++] = 0; // attributes: none are used
  varint(timestamp);
  varint(offset);
  write(0); // key
  write(1); // value
  varint(headerFields);
  for (let i = 2; i < fields.length; i++) write(i);
  if (at !== buf.length) throw new Error(`record encoder wrote ${at} of ${buf.length} bytes`);
  // An Encoder in all but construction (kafkajs reads `buf`, `offset` and the `buffer` getter).
  const encoder = Object.create(EncoderPrototype) as EncoderLike;
  encoder.buf = buf;
  encoder.offset = at;
  return encoder;
}

function prime(path: string, exports: unknown): void {
  const module = new Module(path);
  module.filename = path;
  module.loaded = true;
  module.exports = exports;
  require.cache[path] = module;
}

/**
 * Makes kafkajs produce with `nativeCrc32c` and `encodeRecord`. Must run before kafkajs sends its
 * first produce request (`createKafkaClient` calls it); later it changes nothing and returns
 * false, and kafkajs keeps its own implementations (correct, only slower).
 */
export function installKafkajsFastPath(): boolean {
  if (kafkajsUsesFastPath()) return true;
  const cache = require.cache;
  if (cache[paths.recordBatch] !== undefined || cache[paths.produceV3] !== undefined) return false;
  prime(paths.crc32c, nativeCrc32c);
  prime(paths.record, encodeRecord);
  return true;
}

/** Whether kafkajs' record-batch encoder will use the fast path. */
export function kafkajsUsesFastPath(): boolean {
  return (
    require.cache[paths.crc32c]?.exports === nativeCrc32c &&
    require.cache[paths.record]?.exports === encodeRecord
  );
}
