import { readFile, stat, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { CliContext } from './cli-context.js';
import { UsageError } from './cli.exception.js';
import { errorMessage } from './error-message.util.js';

/** Key files, JWK Sets, receipts and schemas are small; anything larger is the wrong file. */
export const SMALL_FILE_MAX_BYTES = 4 * 1024 * 1024;
/** The largest record file read; the gateway's own limit (MAX_BODY_BYTES) is usually far lower. */
export const RECORD_FILE_MAX_BYTES = 64 * 1024 * 1024;

/**
 * The exact bytes of a file the user named (relative to the working directory). A missing,
 * unreadable or oversized file is a usage error that names the file and what it was for.
 */
export async function readInputFile(
  ctx: CliContext,
  path: string,
  what: string,
  maxBytes: number = SMALL_FILE_MAX_BYTES,
): Promise<Buffer> {
  const absolute = resolve(ctx.cwd, path);
  try {
    const info = await stat(absolute);
    if (!info.isFile()) throw new UsageError(`${what} ${path} is not a file`);
    if (info.size > maxBytes) {
      throw new UsageError(`${what} ${path} is ${info.size} bytes; at most ${maxBytes} are read`);
    }
    return await readFile(absolute);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`cannot read ${what} ${path}: ${describeFsError(error)}`);
  }
}

/** Parses a file's bytes as JSON; a usage error naming the file otherwise. */
export function parseJsonFile(bytes: Buffer, path: string, what: string): unknown {
  try {
    return JSON.parse(bytes.toString('utf8')) as unknown;
  } catch (error) {
    throw new UsageError(`${what} ${path} is not JSON: ${errorMessage(error)}`);
  }
}

/** Writes a file the user asked for (e.g. `--receipt-out`). */
export async function writeOutputFile(
  ctx: CliContext,
  path: string,
  what: string,
  text: string,
): Promise<void> {
  try {
    await writeFile(resolve(ctx.cwd, path), text, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot write ${what} ${path}: ${describeFsError(error)}`);
  }
}

function describeFsError(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'it is a directory';
    default:
      return errorMessage(error);
  }
}
