/**
 * Exit codes of `lienthong`, one per kind of failure, so that scripts can tell "fix your
 * command" from "the gateway said no" from "try again later".
 */
export const EXIT_CODES = {
  ok: 0,
  /** The gateway answered with a refusal (problem+json or an OAuth error), or a receipt is invalid. */
  refused: 1,
  /** The command line, a file it names or the environment is wrong; nothing was sent. */
  usage: 2,
  /** The gateway could not be reached or answered something no Lienthong gateway answers. */
  unexpected: 3,
} as const;

export type ExitCode = (typeof EXIT_CODES)[keyof typeof EXIT_CODES];

/** A failure the CLI explains itself: a message for stderr and the exit code. */
export abstract class CliError extends Error {
  abstract readonly exitCode: ExitCode;
}

/** Bad arguments, an unreadable or unsuitable file, a missing option. Exit 2. */
export class UsageError extends CliError {
  override readonly name = 'UsageError';
  readonly exitCode = EXIT_CODES.usage;

  constructor(
    message: string,
    /** The command whose `--help` is worth reading, when the command line itself is wrong. */
    readonly command?: string,
  ) {
    super(message);
  }
}

/** The network failed, the gateway answered outside its contract, or the machine let us down. Exit 3. */
export class UnexpectedError extends CliError {
  override readonly name = 'UnexpectedError';
  readonly exitCode = EXIT_CODES.unexpected;
}

/** A refusal as the gateway sent it: RFC 9457 problem details or an RFC 6749 error. */
export interface Refusal {
  status: number;
  /** Problem `code`, or the OAuth `error`. */
  code: string;
  title?: string;
  detail?: string;
  correlationId?: string;
  retryAfter?: string;
  errors: { pointer: string; message: string; keyword?: string }[];
  /** What the caller can do next (added by the command, not sent by the gateway). */
  hints?: string[];
}

/** The gateway said no. Exit 1. */
export class GatewayRefusalError extends CliError {
  override readonly name = 'GatewayRefusalError';
  readonly exitCode = EXIT_CODES.refused;

  constructor(readonly refusal: Refusal) {
    super(`${refusal.status} ${refusal.code}${refusal.title ? `: ${refusal.title}` : ''}`);
  }
}

/** A receipt that does not verify (tampered, other body, unknown key). Exit 1. */
export class ReceiptRejectedError extends CliError {
  override readonly name = 'ReceiptRejectedError';
  readonly exitCode = EXIT_CODES.refused;
}

/** The audit trail does not verify: forged, copied, reordered, missing or truncated events. Exit 1. */
export class AuditFindingsError extends CliError {
  override readonly name = 'AuditFindingsError';
  readonly exitCode = EXIT_CODES.refused;
}

/** The record does not match its type's schema (what publish would be refused with). Exit 1. */
export class RecordInvalidError extends CliError {
  override readonly name = 'RecordInvalidError';
  readonly exitCode = EXIT_CODES.refused;
}

/** The candidate schema breaks the type's compatibility level. Exit 1. */
export class SchemaIncompatibleError extends CliError {
  override readonly name = 'SchemaIncompatibleError';
  readonly exitCode = EXIT_CODES.refused;
}
