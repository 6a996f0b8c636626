import { isAgencyCode, isMessageType } from '@lienthong/contracts';
import type { AgencyRole, GrantRight } from '@lienthong/registry';
import { AGENCY_ROLES, GRANT_RIGHTS } from '@lienthong/registry';
import { TrustError, parseAgencyJwks } from '@lienthong/trust';
import type { CliContext } from '../common/cli-context.js';
import { UsageError } from '../common/cli.exception.js';
import { parseJsonFile, readInputFile } from '../common/cli-files.js';
import type { CommandLine } from '../common/command-line.js';
import type { Messages } from '../common/i18n/en.js';
import { isJsonObject } from '../common/json-value.util.js';

type AgencyMessages = Messages['agency'];

/** Members only a private or symmetric JWK has (RFC 7518 section 6). */
const SECRET_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];
const KID = /^[\x21-\x7e]{1,255}$/;

/** An agency code from the command line; it also goes into URL paths, so it is checked first. */
export function checkAgencyId(line: CommandLine, m: AgencyMessages, what: string, value: string): string {
  if (!isAgencyCode(value)) throw new UsageError(m.notAgencyCode(what, value), line.spec.name);
  return value;
}

export function checkMessageTypeName(line: CommandLine, m: AgencyMessages, value: string): string {
  if (!isMessageType(value)) throw new UsageError(m.badType(value), line.spec.name);
  return value;
}

export function checkKid(line: CommandLine, m: AgencyMessages, value: string): string {
  if (!KID.test(value)) throw new UsageError(m.badKid(value), line.spec.name);
  return value;
}

/** `--roles publisher,subscriber`. */
export function parseRoles(line: CommandLine, m: AgencyMessages, text: string): AgencyRole[] {
  const roles = text.split(',').map((r) => r.trim());
  if (!roles.every((r): r is AgencyRole => (AGENCY_ROLES as readonly string[]).includes(r))) {
    throw new UsageError(m.badRoles(text, AGENCY_ROLES.join(', ')), line.spec.name);
  }
  return [...new Set(roles)];
}

export function checkRight(line: CommandLine, m: AgencyMessages, value: string): GrantRight {
  if (!(GRANT_RIGHTS as readonly string[]).includes(value)) {
    throw new UsageError(m.badRight(value, GRANT_RIGHTS.join(', ')), line.spec.name);
  }
  return value as GrantRight;
}

/** Every `--grant RIGHT:TYPE`, grouped by right as `POST /v1/agencies` takes them. */
export function parseGrants(
  line: CommandLine,
  m: AgencyMessages,
  values: readonly string[],
): Partial<Record<GrantRight, string[]>> {
  const grants: Partial<Record<GrantRight, string[]>> = {};
  for (const value of values) {
    const at = value.indexOf(':');
    const right = value.slice(0, at);
    const type = value.slice(at + 1);
    if (at < 0 || !(GRANT_RIGHTS as readonly string[]).includes(right) || !isMessageType(type)) {
      throw new UsageError(m.badGrant(value, GRANT_RIGHTS.join(', ')), line.spec.name);
    }
    const list = (grants[right as GrantRight] ??= []);
    if (!list.includes(type)) list.push(type);
  }
  return grants;
}

/**
 * A public JWK Set file (or one public JWK) as the operator registers it, checked by the rules
 * the gateway applies (`parseAgencyJwks`). A private key is refused before it leaves the
 * machine: the gateway must never hold an agency's private half.
 */
export async function loadPublicJwks(
  line: CommandLine,
  ctx: CliContext,
  m: AgencyMessages,
  file: string,
): Promise<{ keys: Record<string, unknown>[] }> {
  const value = parseJsonFile(await readInputFile(ctx, file, 'JWK Set'), file, 'JWK Set');
  let keys: unknown[];
  if (isJsonObject(value) && Array.isArray(value['keys'])) keys = value['keys'] as unknown[];
  else if (isJsonObject(value) && typeof value['kty'] === 'string') keys = [value];
  else throw new UsageError(m.notJwks(file), line.spec.name);
  if (!keys.every(isJsonObject)) throw new UsageError(m.notJwks(file), line.spec.name);
  if (keys.some((k) => SECRET_MEMBERS.some((member) => member in k))) {
    throw new UsageError(m.privateJwks(file), line.spec.name);
  }
  try {
    parseAgencyJwks({ keys });
  } catch (error) {
    if (!(error instanceof TrustError)) throw error;
    const first = error.options.errors?.[0];
    const why = error.options.detail ?? error.message;
    throw new UsageError(
      m.jwksRefused(file, first ? `${why} (${first.pointer}: ${first.message})` : why),
      line.spec.name,
    );
  }
  return { keys };
}
