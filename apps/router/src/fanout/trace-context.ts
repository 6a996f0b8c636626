import { randomBytes } from 'node:crypto';
import { parseTraceparent } from '@lienthong/contracts';

/**
 * Continues a trace: the same trace id and flags, a new random 8-byte span id (the router's
 * span, parent of what the subscriber does next). Undefined when `traceparent` is not a valid
 * version-00 value (an invalid one is dropped, never forwarded as it is).
 */
export function childTraceparent(traceparent: string | undefined): string | undefined {
  const parent = parseTraceparent(traceparent);
  if (!parent) return undefined;
  const { traceId, flags } = parent;
  let spanId = randomBytes(8).toString('hex');
  while (/^0+$/.test(spanId)) spanId = randomBytes(8).toString('hex');
  return `00-${traceId}-${spanId}-${flags}`;
}
