import { randomUUID } from 'node:crypto';
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { signDetached } from '@lienthong/trust';
import type { AgencySigningKey } from '../common/agency-key-file.js';
import { checkMessageType, openAgencySession, readAgencyCredentials } from '../common/agency-credentials.js';
import type { CliContext } from '../common/cli-context.js';
import { GatewayRefusalError, UnexpectedError, UsageError } from '../common/cli.exception.js';
import { RECORD_FILE_MAX_BYTES, readInputFile, writeOutputFile } from '../common/cli-files.js';
import type { Command } from '../common/command.js';
import type { CommandLine } from '../common/command-line.js';
import { CREDENTIAL_OPTIONS } from '../common/credential-options.js';
import { formatJson } from '../common/output.js';
import { errorMessage } from '../common/error-message.util.js';

/** Request headers of the publish API. */
export const PUBLISH_HEADERS = {
  signature: 'lienthong-signature',
  idempotencyKey: 'idempotency-key',
  schemaVersion: 'lienthong-schema-version',
} as const;

/**
 * What the gateway accepts as an idempotency key (see `@lienthong/idempotency`): 1 to 255
 * visible ASCII characters. Checked here so that a bad key is a usage error, not a request.
 */
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;
const SCHEMA_VERSION = /^[1-9][0-9]{0,8}$/;

/** What `publish` sends besides the body. */
export interface PublishOptions {
  sign: boolean;
  idempotencyKey?: string;
  schemaVersion?: number;
  receiptOut?: string;
}

/** `lienthong publish TYPE FILE`: one record, the file's bytes exactly as they are. */
export const publishCommand: Command = {
  spec: {
    name: 'publish',
    summary: "publish a JSON file as one record (optionally signed) and print the gateway's receipt",
    description: [
      "Sends FILE's bytes exactly as they are (never re-serialised: a signature and the receipt's",
      'digest cover those bytes) to POST /v1/messages/TYPE with a fresh access token, and prints',
      "the gateway's answer: where Kafka stored the record and the signed receipt.",
    ].join('\n'),
    arguments: [
      { name: 'TYPE', description: 'message type, e.g. residence.registration' },
      { name: 'FILE', description: 'the JSON record to publish' },
    ],
    options: [
      ...CREDENTIAL_OPTIONS,
      {
        name: 'sign',
        type: 'boolean',
        description: 'sign the body with your key (detached JWS in Lienthong-Signature)',
      },
      {
        name: 'idempotency-key',
        type: 'string',
        value: 'KEY',
        description:
          'retry-safe key: the same key and body return the first receipt, nothing is written twice ' +
          '(default: a fresh UUID, printed when the outcome is unknown)',
      },
      {
        name: 'schema-version',
        type: 'string',
        value: 'N',
        description: 'validate against version N of the type instead of the latest',
      },
      {
        name: 'receipt-out',
        type: 'string',
        value: 'FILE',
        description: 'also write the receipt (compact JWS) to FILE',
      },
    ],
    examples: [
      'lienthong publish residence.registration record.json --sign --receipt-out record.receipt',
      'lienthong publish residence.registration record.json --idempotency-key 7f0c2a9e-2b61-4c52-9d8f-53a1c37c1d11',
    ],
  },

  async run(line: CommandLine, ctx: CliContext): Promise<void> {
    const type = checkMessageType(line.argument('TYPE'));
    const file = line.argument('FILE');
    const options = readPublishOptions(line);
    // Always sent: after a 5xx the record may or may not be in Kafka, and only a retry with the
    // same key can settle that without writing it twice.
    options.idempotencyKey ??= randomUUID();
    const credentials = await readAgencyCredentials(line, ctx);
    const body = await readInputFile(ctx, file, 'record file', RECORD_FILE_MAX_BYTES);
    if (options.receiptOut !== undefined) await assertWritable(ctx, options.receiptOut);

    const headers = await publishHeaders(body, type, options, credentials.key);
    const session = await openAgencySession(credentials, ctx);
    headers['authorization'] = `Bearer ${session.token.access_token}`;
    const answer = await session.client
      .postJson(`/v1/messages/${type}`, body, headers)
      .catch((error: unknown) => {
        throw withRetryHint(error, options.idempotencyKey!);
      });

    // The record is in Kafka now: print the answer before anything else can fail.
    ctx.stdout(formatJson(answer.body));
    if (options.receiptOut !== undefined) {
      const receipt = answer.body['receipt'];
      if (typeof receipt !== 'string' || receipt === '') {
        throw new UnexpectedError('the gateway accepted the record but its answer carries no receipt');
      }
      await writeOutputFile(ctx, options.receiptOut, 'receipt file', `${receipt}\n`).catch(
        (error: unknown) => {
          // Not a usage error: the record was published; only the copy of the receipt is missing.
          throw new UnexpectedError(
            `the record was accepted (the receipt is in the answer above), but ${errorMessage(error)}`,
          );
        },
      );
    }
  },
};

/** `--sign`, `--idempotency-key`, `--schema-version`, `--receipt-out`, checked. */
export function readPublishOptions(line: CommandLine): PublishOptions {
  const options: PublishOptions = { sign: line.flag('sign') };
  const key = line.string('idempotency-key');
  if (key !== undefined) {
    if (!IDEMPOTENCY_KEY.test(key)) {
      throw new UsageError(
        '--idempotency-key must be 1 to 255 visible ASCII characters (no spaces)',
        'publish',
      );
    }
    options.idempotencyKey = key;
  }
  const version = line.string('schema-version');
  if (version !== undefined) {
    if (!SCHEMA_VERSION.test(version)) {
      throw new UsageError(`--schema-version ${version} is not a version number (1, 2, …)`, 'publish');
    }
    options.schemaVersion = Number(version);
  }
  const receiptOut = line.string('receipt-out');
  if (receiptOut !== undefined) options.receiptOut = receiptOut;
  return options;
}

/**
 * The request headers besides authorization. The idempotency key goes as an RFC 8941
 * sf-string, the form draft-ietf-httpapi-idempotency-key-header defines.
 */
export async function publishHeaders(
  body: Uint8Array,
  type: string,
  options: PublishOptions,
  key: Pick<AgencySigningKey, 'privateKey' | 'kid' | 'alg'>,
): Promise<Record<string, string>> {
  const headers: Record<string, string> = {};
  if (options.sign) {
    headers[PUBLISH_HEADERS.signature] = await signDetached(body, type, key.privateKey, key.kid, {
      alg: key.alg,
    });
  }
  if (options.idempotencyKey !== undefined) {
    headers[PUBLISH_HEADERS.idempotencyKey] = `"${options.idempotencyKey.replace(/[\\"]/g, '\\$&')}"`;
  }
  if (options.schemaVersion !== undefined)
    headers[PUBLISH_HEADERS.schemaVersion] = String(options.schemaVersion);
  return headers;
}

/**
 * A 5xx (e.g. `503 kafka-unavailable` after a broker stall) or a lost connection leaves the
 * outcome unknown: the record may already be in Kafka. The way out is the same request with the
 * same key, which answers with the first receipt or writes the record once.
 */
export function withRetryHint(error: unknown, idempotencyKey: string): unknown {
  const retry = `lienthong publish … --idempotency-key ${idempotencyKey}`;
  const hints = [
    `outcome unknown: retry with the same key: ${retry}`,
    `chưa rõ kết quả: hãy gửi lại với cùng khóa: ${retry}`,
  ];
  if (error instanceof GatewayRefusalError) {
    if (error.refusal.status < 500) return error;
    return new GatewayRefusalError({ ...error.refusal, hints: [...(error.refusal.hints ?? []), ...hints] });
  }
  if (error instanceof UnexpectedError)
    return new UnexpectedError(`${error.message}\n  ${hints.join('\n  ')}`);
  return error;
}

/** Fails before publishing when the receipt could not be written afterwards. */
async function assertWritable(ctx: CliContext, path: string): Promise<void> {
  const absolute = resolve(ctx.cwd, path);
  try {
    await access(dirname(absolute), constants.W_OK);
  } catch {
    throw new UsageError(`--receipt-out ${path}: its directory does not exist or is not writable`, 'publish');
  }
}
