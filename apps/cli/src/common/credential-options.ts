import type { OptionSpec } from './command-line.js';

/** Where the gateway is. */
export const GATEWAY_OPTION: OptionSpec = {
  name: 'gateway',
  type: 'string',
  value: 'URL',
  env: 'LIENTHONG_GATEWAY',
  description: 'base URL of the gateway, e.g. http://127.0.0.1:8080',
};

/** Who is calling. */
export const AGENCY_OPTION: OptionSpec = {
  name: 'agency',
  type: 'string',
  value: 'ID',
  env: 'LIENTHONG_AGENCY',
  description: 'your agency code (Decision 20/2020/QĐ-TTg), e.g. 000.00.00.G12',
};

/** What the caller proves itself with. */
export const KEY_OPTION: OptionSpec = {
  name: 'key',
  type: 'string',
  value: 'FILE',
  env: 'LIENTHONG_KEY_FILE',
  description: "your agency's private key: a JWK with kid and alg (ES256, EdDSA, PS256, RS256)",
};

/** RFC 8414 section 3.3 names the issuer after the URL it is discovered at; this is the way out. */
export const ISSUER_OPTION: OptionSpec = {
  name: 'issuer',
  type: 'string',
  value: 'ID',
  env: 'LIENTHONG_ISSUER',
  description: "the gateway's issuer identifier, when it is not the gateway URL itself",
};

/** Every command that talks to the gateway as an agency takes these. */
export const CREDENTIAL_OPTIONS: readonly OptionSpec[] = [
  GATEWAY_OPTION,
  AGENCY_OPTION,
  KEY_OPTION,
  ISSUER_OPTION,
];
