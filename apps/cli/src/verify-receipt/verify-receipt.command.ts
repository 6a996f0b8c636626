import type { VerifiedReceipt, VerifyReceiptOptions } from '@lienthong/trust';
import { TrustError, verifyReceipt } from '@lienthong/trust';
import type { CliContext } from '../common/cli-context.js';
import {
  GatewayRefusalError,
  ReceiptRejectedError,
  UnexpectedError,
  UsageError,
} from '../common/cli.exception.js';
import { RECORD_FILE_MAX_BYTES, parseJsonFile, readInputFile } from '../common/cli-files.js';
import type { Command } from '../common/command.js';
import type { CommandLine } from '../common/command-line.js';
import { GATEWAY_OPTION, ISSUER_OPTION } from '../common/credential-options.js';
import { parseGatewayUrl, readJsonAnswer, sendRequest } from '../common/gateway-client.js';
import { isJsonObject } from '../common/json-value.util.js';
import { formatJson, printable } from '../common/output.js';

/** `lienthong verify-receipt RECEIPT_FILE`: offline check of a gateway receipt. */
export const verifyReceiptCommand: Command = {
  spec: {
    name: 'verify-receipt',
    summary: "check a receipt's signature against the gateway's JWKS, and that it covers a body",
    description: [
      "Verifies a receipt offline with the gateway's public keys and prints its verified claims.",
      'RECEIPT_FILE holds the compact JWS (as --receipt-out writes it) or the JSON answer of',
      'publish. With --body, also checks that the receipt covers exactly those bytes. Exit 1 when',
      'the receipt is invalid: a changed byte, another body, a key the JWKS does not have.',
    ].join('\n'),
    arguments: [{ name: 'RECEIPT_FILE', description: 'the receipt, or the saved answer of publish' }],
    options: [
      {
        name: 'jwks',
        type: 'string',
        value: 'URL_OR_FILE',
        description:
          "the gateway's JWK Set: its URL, or a saved copy (default: GATEWAY/.well-known/jwks.json)",
      },
      { ...GATEWAY_OPTION, description: 'gateway whose published JWKS to use when --jwks is not given' },
      {
        name: 'body',
        type: 'string',
        value: 'FILE',
        description: 'the record file the receipt should cover',
      },
      {
        name: 'message-id',
        type: 'string',
        value: 'ID',
        description: 'the record of a batch receipt to check',
      },
      { ...ISSUER_OPTION, description: 'the issuer (iss) the receipt must carry' },
    ],
    examples: [
      'lienthong verify-receipt record.receipt --jwks http://127.0.0.1:8080/.well-known/jwks.json --body record.json',
      'lienthong verify-receipt answer.json --jwks gateway-jwks.json',
    ],
  },

  async run(line: CommandLine, ctx: CliContext): Promise<void> {
    const receiptFile = line.argument('RECEIPT_FILE');
    const receipt = readReceiptText(await readInputFile(ctx, receiptFile, 'receipt file'), receiptFile);
    const options: VerifyReceiptOptions = {};
    const bodyFile = line.string('body');
    if (bodyFile !== undefined)
      options.body = await readInputFile(ctx, bodyFile, 'body file', RECORD_FILE_MAX_BYTES);
    const messageId = line.string('message-id');
    if (messageId !== undefined) options.messageId = messageId;
    const issuer = line.string('issuer');
    if (issuer !== undefined) options.issuer = issuer;
    const jwks = await loadJwks(line, ctx);

    let verified: VerifiedReceipt;
    try {
      verified = await verifyReceipt(receipt, jwks, options);
    } catch (error) {
      if (error instanceof TrustError) {
        throw new ReceiptRejectedError(
          `the receipt is not valid: ${error.options.detail ?? error.message} (${error.reason})`,
        );
      }
      throw error;
    }
    ctx.stdout(formatJson(verified));
    const covers = bodyFile === undefined ? '' : `; it covers the bytes of ${bodyFile}`;
    ctx.stderr(
      `receipt valid: signed by the gateway key ${printable(verified.kid)} (${verified.alg})${printable(covers)}\n`,
    );
  },
};

/** The compact JWS in a receipt file: the file itself, or the `receipt` member of a saved answer. */
export function readReceiptText(bytes: Buffer, path: string): string {
  const text = bytes.toString('utf8').trim();
  if (!text.startsWith('{')) return text;
  const answer = parseJsonFile(bytes, path, 'receipt file');
  const receipt = isJsonObject(answer) ? answer['receipt'] : undefined;
  if (typeof receipt !== 'string') {
    throw new UsageError(`receipt file ${path} is JSON without a "receipt" string member`);
  }
  return receipt;
}

/** `--jwks` as a URL or a file; without it, the JWKS the gateway publishes. */
export async function loadJwks(line: CommandLine, ctx: CliContext): Promise<unknown> {
  const given = line.string('jwks');
  if (given !== undefined && !/^https?:\/\//i.test(given)) {
    return parseJsonFile(await readInputFile(ctx, given, 'JWKS file'), given, 'JWKS file');
  }
  let url = given;
  if (url === undefined) {
    const gateway = line.string('gateway');
    if (gateway === undefined) {
      throw new UsageError(
        'missing --jwks URL_OR_FILE (or --gateway URL to use its published keys)',
        'verify-receipt',
      );
    }
    url = `${parseGatewayUrl(gateway).href.replace(/\/+$/, '')}/.well-known/jwks.json`;
  }
  if (!URL.canParse(url)) throw new UsageError(`--jwks ${url} is not a URL`, 'verify-receipt');
  try {
    const answer = await readJsonAnswer(
      await sendRequest(ctx, url, { headers: { accept: 'application/json' } }),
      url,
    );
    return answer.body;
  } catch (error) {
    // Not being able to fetch the keys says nothing about the receipt: that is exit 3, not 1.
    if (error instanceof GatewayRefusalError) {
      throw new UnexpectedError(`cannot fetch the JWKS from ${url}: ${error.message}`);
    }
    throw error;
  }
}
