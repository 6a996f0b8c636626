import { isMessageType } from './record-topic.js';

/**
 * Prefix of the URIs that name registered schema versions, `urn:lienthong:schema:<type>:<version>`:
 * the `ce_dataschema` of an accepted record, and the `$ref` by which one schema uses another.
 */
export const REGISTRY_SCHEMA_URI_PREFIX = 'urn:lienthong:schema:';

/** The URI naming version `version` of the registered schema of `type`. */
export function registrySchemaUri(type: string, version: number): string {
  return `${REGISTRY_SCHEMA_URI_PREFIX}${type}:${version}`;
}

/** Type and version of a registry URI (its fragment, if any, ignored), or undefined. */
export function parseRegistrySchemaUri(uri: string): { type: string; version: number } | undefined {
  if (!uri.startsWith(REGISTRY_SCHEMA_URI_PREFIX)) return undefined;
  const hash = uri.indexOf('#');
  const body = uri.slice(REGISTRY_SCHEMA_URI_PREFIX.length, hash >= 0 ? hash : undefined);
  const colon = body.lastIndexOf(':');
  const type = body.slice(0, colon);
  const version = body.slice(colon + 1);
  if (colon < 0 || !isMessageType(type) || !/^[1-9][0-9]{0,8}$/.test(version)) return undefined;
  if (hash >= 0 && !isPointerFragment(uri.slice(hash + 1))) return undefined;
  return { type, version: Number(version) };
}

/** True when a URI fragment, percent-decoded, is a JSON pointer (RFC 6901 section 6). */
function isPointerFragment(fragment: string): boolean {
  try {
    return /^(\/([^~/]|~[01])*)*$/.test(decodeURIComponent(fragment));
  } catch {
    return false;
  }
}
