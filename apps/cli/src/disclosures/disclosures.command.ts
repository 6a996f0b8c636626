import { TrustError, verifyDisclosureAnswer, DISCLOSURE_SIGNATURE_HEADER } from '@lienthong/trust';
import type { VerifiedDisclosureAnswer } from '@lienthong/trust';
import { openAgencySession, readAgencyCredentials } from '../common/agency-credentials.js';
import type { CliContext } from '../common/cli-context.js';
import { ReceiptRejectedError, UnexpectedError, UsageError } from '../common/cli.exception.js';
import type { Command } from '../common/command.js';
import type { CommandLine } from '../common/command-line.js';
import { CREDENTIAL_OPTIONS } from '../common/credential-options.js';
import { readJsonAnswer, sendRequest } from '../common/gateway-client.js';
import { isJsonObject } from '../common/json-value.util.js';
import { formatJson, printable } from '../common/output.js';
import { loadJwks } from '../verify-receipt/verify-receipt.command.js';

const SUBJECT_ID = /^[A-Za-z0-9._:-]{1,64}$/;
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/i;
/** Pages fetched at most: 100 pages of 1,000 is more than any one person's log. */
const MAX_PAGES = 100;

/** `lienthong disclosures SUBJECT_ID`: who received data about a person; every page verified. */
export const disclosuresCommand: Command = {
  spec: {
    name: 'disclosures',
    summary: 'list who received personal data about a person (Law 91/2025/QH15), signature verified',
    description: [
      'Fetches GET /v1/data-subjects/SUBJECT_ID/disclosures page by page with a fresh access',
      "token (operator or data-subject-officer role), verifies each page's Lienthong-Signature",
      "(a detached JWS over the exact answer bytes) against the gateway's JWKS, and prints every",
      'disclosure, newest first. Exit 1 when a signature does not verify.',
    ].join('\n'),
    arguments: [{ name: 'SUBJECT_ID', description: 'the data subject, e.g. a 12-digit citizen id' }],
    options: [
      ...CREDENTIAL_OPTIONS,
      {
        name: 'since',
        type: 'string',
        value: 'TIME',
        description: 'only disclosures at or after TIME (RFC 3339)',
      },
      {
        name: 'until',
        type: 'string',
        value: 'TIME',
        description: 'only disclosures before TIME (RFC 3339)',
      },
      {
        name: 'jwks',
        type: 'string',
        value: 'URL_OR_FILE',
        description: "the gateway's JWK Set (default: GATEWAY/.well-known/jwks.json)",
      },
    ],
    examples: [
      'lienthong disclosures 001099012345 --since 2026-01-01T00:00:00+07:00',
      'lienthong disclosures 001099012345 --gateway http://127.0.0.1:8080 --agency 000.00.00.G01 --key g01.private.jwk.json',
    ],
  },

  async run(line: CommandLine, ctx: CliContext): Promise<void> {
    const subjectId = line.argument('SUBJECT_ID');
    if (!SUBJECT_ID.test(subjectId)) {
      throw new UsageError(
        'SUBJECT_ID must be 1 to 64 letters, digits, dots, colons, hyphens or underscores',
        'disclosures',
      );
    }
    const query = new URLSearchParams();
    for (const name of ['since', 'until'] as const) {
      const value = line.string(name);
      if (value === undefined) continue;
      if (!RFC3339.test(value) || Number.isNaN(Date.parse(value))) {
        throw new UsageError(
          `--${name} ${value} is not an RFC 3339 date-time with a time zone`,
          'disclosures',
        );
      }
      query.set(name, value);
    }
    const credentials = await readAgencyCredentials(line, ctx);
    const jwks = await loadJwks(line, ctx);
    const session = await openAgencySession(credentials, ctx);
    const base = session.client.base;
    const issuer = credentials.issuer ?? base;

    const disclosures: unknown[] = [];
    let verified: VerifiedDisclosureAnswer | undefined;
    let answer: Record<string, unknown> = {};
    for (let page = 0; page < MAX_PAGES; page++) {
      const url = `${base}/v1/data-subjects/${encodeURIComponent(subjectId)}/disclosures${query.size > 0 ? `?${query.toString()}` : ''}`;
      const response = await sendRequest(ctx, url, {
        headers: { accept: 'application/json', authorization: `Bearer ${session.token.access_token}` },
        redirect: 'error',
      });
      const bytes = Buffer.from(await response.arrayBuffer());
      // Refusals and non-JSON answers are reported as every other command reports them.
      answer = (await readJsonAnswer(new Response(bytes, response), url)).body;
      try {
        verified = await verifyDisclosureAnswer(
          response.headers.get(DISCLOSURE_SIGNATURE_HEADER) ?? undefined,
          bytes,
          jwks,
          { issuer },
        );
      } catch (error) {
        if (error instanceof TrustError) {
          throw new ReceiptRejectedError(
            `the answer's signature is not valid / chữ ký của kết quả không hợp lệ: ${error.options.detail ?? error.message} (${error.reason})`,
          );
        }
        throw error;
      }
      if (!Array.isArray(answer['disclosures']))
        throw new UnexpectedError(`${url} answered without a disclosures list`);
      disclosures.push(...(answer['disclosures'] as unknown[]));
      const next = answer['nextCursor'];
      if (typeof next !== 'string') break;
      query.set('cursor', next);
    }
    const { nextCursor: _next, disclosures: _page, ...rest } = answer;
    ctx.stdout(formatJson({ ...rest, disclosures }));
    const kid = verified ? printable(verified.kid) : '';
    const recipients = new Set(
      disclosures.flatMap((d) =>
        isJsonObject(d) && typeof d['recipient'] === 'string' ? [d['recipient']] : [],
      ),
    );
    ctx.stderr(
      [
        `${disclosures.length} disclosure(s) to ${recipients.size} agency(ies); every page signed by the gateway key ${kid}`,
        `${disclosures.length} lần cung cấp dữ liệu cho ${recipients.size} cơ quan; mọi trang đều có chữ ký hợp lệ của cổng (khóa ${kid})`,
        '',
      ].join('\n'),
    );
  },
};
