import { createRequire } from 'node:module';
import { randomBytes, randomInt } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import type { RecordInput } from './kafkajs-fast-path.js';
import { encodeRecord, nativeCrc32c } from './kafkajs-fast-path.js';

// Jest's own module registry: kafkajs' original implementations, whatever the fast path did to
// Node's cache (test/integration/kafkajs-fast-path.int-spec.ts checks the installed path).
const load = createRequire(import.meta.url);
const kafkajsCrc32c = load('kafkajs/src/protocol/recordBatch/crc32C/crc32C.js') as (b: Buffer) => number;
const kafkajsRecord = load('kafkajs/src/protocol/recordBatch/record/v0/index.js') as (input: RecordInput) => {
  buffer: Buffer;
};

const text = ['', 'a', 'Nguyễn Thị Ánh Tuyết', 'ce_id', '000.00.00.G01', 'x'.repeat(200)];
const pick = <T>(xs: T[]): T => xs[randomInt(xs.length)]!;
const bytesOrText = () => (randomInt(2) === 0 ? randomBytes(randomInt(0, 3_000)) : pick(text));

describe('kafkajs fast path', () => {
  it('computes the same CRC-32C as kafkajs', () => {
    expect(nativeCrc32c(Buffer.from('123456789'))).toBe(0xe3069283); // the CRC-32C check value
    for (const size of [0, 1, 7, 64, 1_000, 65_537]) {
      const buffer = randomBytes(size);
      expect(nativeCrc32c(buffer)).toBe(kafkajsCrc32c(buffer));
    }
  });

  it('encodes records byte for byte as kafkajs does', () => {
    const deltas = [0, 1, 63, 64, 127, 128, 8_191, 8_192, 1_000_000, 2 ** 31 - 1, 2 ** 40, -1, -64, -65];
    for (let i = 0; i < 500; i++) {
      const headers: RecordInput['headers'] = {};
      for (let h = randomInt(0, 12); h > 0; h--) {
        headers[`${pick(text)}${h}`] = randomInt(4) === 0 ? [bytesOrText(), bytesOrText()] : bytesOrText();
      }
      const input: RecordInput = {
        offsetDelta: randomInt(3) === 0 ? randomInt(0, 2 ** 31 - 1) : randomInt(0, 1_000),
        timestampDelta: pick(deltas),
        key: randomInt(5) === 0 ? null : bytesOrText(),
        value: randomInt(8) === 0 ? null : bytesOrText(),
        headers,
      };
      const ours = encodeRecord(input);
      const theirs = kafkajsRecord(input).buffer;
      // Buffer#equals: a deep toEqual over thousands of bytes is slow in Jest.
      if (!ours.buf.subarray(0, ours.offset).equals(theirs)) {
        expect(ours.buf.subarray(0, ours.offset).toString('hex')).toBe(theirs.toString('hex'));
      }
      expect(ours.offset).toBe(theirs.length);
    }
    // Defaults: no key, no headers, deltas 0.
    const minimal = encodeRecord({ value: 'v' });
    expect(minimal.buf.subarray(0, minimal.offset)).toEqual(kafkajsRecord({ value: 'v' }).buffer);
  });

  it('refuses a timestamp delta it cannot encode exactly', () => {
    expect(() => encodeRecord({ value: 'v', timestampDelta: 2 ** 60 })).toThrow(TypeError);
    expect(() => encodeRecord({ value: 'v', timestampDelta: Number.NaN })).toThrow(TypeError);
  });
});
