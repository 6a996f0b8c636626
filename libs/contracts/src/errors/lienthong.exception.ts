import type { ProblemCode } from './problem-codes.js';

/** One failing location inside a payload (RFC 6901 JSON pointer) and what is wrong there. */
export interface ProblemPointer {
  pointer: string;
  /** The JSON Schema keyword that failed, when the problem is a schema violation. */
  keyword?: string;
  message: string;
  messageVi?: string;
}

export interface LienthongErrorOptions {
  /** Human detail in English; safe to show (never internals). */
  detail?: string;
  /** Human detail in Vietnamese. */
  detailVi?: string;
  /** Failing JSON pointers, for validation problems. */
  errors?: ProblemPointer[];
  /** Seconds the client should wait before retrying (sets `Retry-After`). */
  retryAfterSeconds?: number;
  cause?: unknown;
}

/**
 * A domain error with a stable code from the problem catalogue. Services throw it; one mapper
 * in each app turns it into `application/problem+json`.
 */
export class LienthongError extends Error {
  override readonly name = 'LienthongError';

  constructor(
    readonly code: ProblemCode,
    readonly options: LienthongErrorOptions = {},
  ) {
    super(options.detail ?? code, { cause: options.cause });
  }
}
