/**
 * W3C Trace Context `traceparent`, version 00 (section 3.2): lower-case hex trace id, parent id
 * and flags; an all-zero trace id or parent id is invalid (sections 3.2.2.3 and 3.2.2.4).
 */
const TRACEPARENT_PATTERN = /^00-(?!0{32})([0-9a-f]{32})-(?!0{16})([0-9a-f]{16})-([0-9a-f]{2})$/;

export interface Traceparent {
  traceId: string;
  parentId: string;
  flags: string;
}

/** The parts of a valid version-00 `traceparent`, or undefined for anything else. */
export function parseTraceparent(value: string | undefined): Traceparent | undefined {
  const match = value === undefined ? null : TRACEPARENT_PATTERN.exec(value);
  if (!match) return undefined;
  return { traceId: match[1]!, parentId: match[2]!, flags: match[3]! };
}
