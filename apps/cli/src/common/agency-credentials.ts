import { isAgencyCode, isMessageType } from '@lienthong/contracts';
import type { AgencySigningKey } from './agency-key-file.js';
import { loadAgencyKeyFile } from './agency-key-file.js';
import type { CliContext } from './cli-context.js';
import { UsageError } from './cli.exception.js';
import type { CommandLine } from './command-line.js';
import type { JsonValueAnswer, TokenAnswer } from './gateway-client.js';
import { GatewayClient, parseGatewayUrl } from './gateway-client.js';
import { languageOf, messagesIn } from './i18n/language.js';

/** Who calls which gateway, with what key: everything checked before anything is sent. */
export interface AgencyCredentials {
  gateway: URL;
  agencyId: string;
  key: AgencySigningKey;
  /** The issuer identifier to expect, when it is not the gateway URL. */
  issuer?: string;
}

/** An agency signed in: the client and a fresh access token. */
export interface AgencySession {
  client: GatewayClient;
  credentials: AgencyCredentials;
  token: TokenAnswer;
}

/** Reads and checks `--gateway`, `--agency`, `--key` and `--issuer` (or their variables). */
export async function readAgencyCredentials(line: CommandLine, ctx: CliContext): Promise<AgencyCredentials> {
  // Commands without --lang (token, publish…) still follow the locale.
  const speaksBoth = line.spec.options.some((o) => o.name === 'lang');
  const messages = messagesIn(languageOf(speaksBoth ? line.string('lang') : undefined, ctx.env));
  const gateway = parseGatewayUrl(line.require('gateway'), messages.cli);
  const agencyId = line.require('agency');
  if (!isAgencyCode(agencyId)) throw new UsageError(messages.agency.notAgencyCode('--agency', agencyId));
  const key = await loadAgencyKeyFile(ctx, line.require('key'));
  const issuer = line.string('issuer');
  return issuer === undefined ? { gateway, agencyId, key } : { gateway, agencyId, key, issuer };
}

/** Trades the credentials for an access token. */
export async function openAgencySession(
  credentials: AgencyCredentials,
  ctx: CliContext,
): Promise<AgencySession> {
  const client = new GatewayClient(ctx, credentials.gateway);
  const token = await client.requestToken(credentials.agencyId, credentials.key, credentials.issuer);
  return { client, credentials, token };
}

/** A message type name from the command line. */
export function checkMessageType(type: string): string {
  if (!isMessageType(type)) {
    throw new UsageError(
      `${JSON.stringify(type)} is not a message type: lower-case words of letters, digits and hyphens separated by dots, e.g. residence.registration`,
    );
  }
  return type;
}

/**
 * One authenticated call as the agency of the command line: credentials read and checked,
 * a fresh token, then `METHOD path` with `body` (already JSON) if any.
 */
export async function callAsAgency(
  line: CommandLine,
  ctx: CliContext,
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  path: string,
  body?: string,
): Promise<JsonValueAnswer> {
  const credentials = await readAgencyCredentials(line, ctx);
  const { client, token } = await openAgencySession(credentials, ctx);
  const speaksBoth = line.spec.options.some((o) => o.name === 'lang');
  const language = speaksBoth ? languageOf(line.string('lang'), ctx.env) : undefined;
  return client.request(method, path, token.access_token, body, language);
}
