import { randomFillSync } from 'node:crypto';

const POOL_BYTES = 4_096;
const pool = Buffer.alloc(POOL_BYTES);
let poolOffset = POOL_BYTES;
let lastMs = -1;
let counter = 0;
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** `count` random bytes from a pool refilled 4 KiB at a time (one getrandom call per ~400 ids). */
function randomBytesFromPool(count: number): number {
  if (poolOffset + count > POOL_BYTES) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const start = poolOffset;
  poolOffset += count;
  return start;
}

/**
 * A UUID version 7 (RFC 9562 section 5.7): 48-bit Unix milliseconds, then a 12-bit counter
 * (section 6.2, method 1) that starts at a random value below 2^11 each millisecond and keeps ids
 * from one process strictly increasing, then 62 random bits. Record ids therefore sort by
 * acceptance time. Random bytes come from a pool: the `uuid` package asked the kernel for 16
 * bytes per id, which showed in the publish profile.
 */
export function newRecordId(now = Date.now()): string {
  let ms = Math.max(now, lastMs);
  if (ms !== lastMs) {
    lastMs = ms;
    const at = randomBytesFromPool(2);
    counter = ((pool[at]! << 8) | pool[at + 1]!) & 0x7ff;
  } else if (++counter > 0xfff) {
    // 4,096 ids in one millisecond: borrow the next millisecond (still monotonic).
    lastMs = ms = lastMs + 1;
    counter = 0;
  }
  const at = randomBytesFromPool(8);
  const b = pool;
  const h = (i: number) => HEX[b[at + i]!]!;
  const t = ms.toString(16).padStart(12, '0');
  const variant = HEX[(b[at]! & 0x3f) | 0x80]!;
  return (
    `${t.slice(0, 8)}-${t.slice(8, 12)}-${(0x7000 | counter).toString(16)}-` +
    `${variant}${h(1)}-${h(2)}${h(3)}${h(4)}${h(5)}${h(6)}${h(7)}`
  );
}
