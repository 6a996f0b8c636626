import { randomBytes } from 'node:crypto';

/** W3C Trace Context `traceparent`, version 00: trace id, parent id, flags (all lowercase hex). */
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/**
 * Continues a trace: the same trace id and flags, a new random 8-byte span id (the router's
 * span, parent of what the subscriber does next). Undefined when `traceparent` is not a valid
 * version-00 value (an invalid one is dropped, never forwarded as it is).
 */
export function childTraceparent(traceparent: string | undefined): string | undefined {
  const match = traceparent === undefined ? null : TRACEPARENT.exec(traceparent);
  if (!match) return undefined;
  const [, traceId, , flags] = match;
  if (/^0+$/.test(traceId!)) return undefined;
  let spanId = randomBytes(8).toString('hex');
  while (/^0+$/.test(spanId)) spanId = randomBytes(8).toString('hex');
  return `00-${traceId}-${spanId}-${flags}`;
}
