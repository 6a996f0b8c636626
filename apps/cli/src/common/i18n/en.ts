/**
 * English messages of the commands that speak both languages. `vi.ts` has the same members
 * (its type is this catalogue's), so a message missing from one language fails the type check.
 */
export const en = {
  keygen: {
    badAlg: (alg: string) => `--alg ${alg} is not one of ES256, EdDSA, PS256`,
    exists: (file: string) =>
      `${file} already exists; refusing to overwrite a key (move it away, or choose another --out)`,
    cannotWrite: (file: string, why: string) => `cannot write ${file}: ${why}`,
    wrotePrivate: (file: string) =>
      `Private key written to ${file} (mode 0600: readable by you only). Keep it secret; never send it.`,
    wrotePublic: (file: string) =>
      `Public JWK Set written to ${file}: hand it to the gateway operator (lienthong agency create … --jwks ${file}).`,
    kid: (kid: string, alg: string) => `Key id (RFC 7638 thumbprint): ${kid}, algorithm ${alg}.`,
  },
  agency: {
    notAgencyCode: (what: string, value: string) =>
      `${what} ${value} is not an agency code (Decision 20/2020/QĐ-TTg: dot-separated groups of digits and upper-case letters, e.g. 000.00.00.G12)`,
    badRoles: (value: string, allowed: string) =>
      `--roles ${value} must list roles separated by commas, among ${allowed}`,
    badGrant: (value: string, rights: string) =>
      `--grant ${value} is not RIGHT:TYPE, where RIGHT is one of ${rights} (e.g. subscribe:residence.registration)`,
    badRight: (value: string, rights: string) => `${value} is not a right; use one of ${rights}`,
    badType: (value: string) =>
      `${JSON.stringify(value)} is not a message type: lower-case words of letters, digits and hyphens separated by dots, e.g. residence.registration`,
    badKid: (value: string) => `${JSON.stringify(value)} is not a key id (1 to 255 visible characters)`,
    notJwks: (file: string) => `${file} is neither a JWK Set ({"keys": [...]}) nor a single JWK`,
    privateJwks: (file: string) =>
      `${file} holds a private key (member "d"); the gateway registers only the public half: give the .public.jwks.json file that keygen wrote`,
    jwksRefused: (file: string, why: string) => `${file} would be refused by the gateway: ${why}`,
    badAnswer: (what: string) => `the gateway answered something that is not ${what}`,
    created: (id: string) => `Agency ${id} created.`,
    suspended: (id: string) =>
      `Agency ${id} suspended: its token requests are refused and its access tokens no longer work.`,
    reactivated: (id: string) => `Agency ${id} is active again.`,
    keysAdded: (id: string, kids: string) => `Agency ${id} now has the key(s) ${kids}.`,
    keyRevoked: (id: string, kid: string) =>
      `Key ${kid} of agency ${id} revoked: assertions signed with it are refused.`,
    granted: (id: string, right: string, type: string) => `Agency ${id} granted ${right} on ${type}.`,
    grantRevoked: (id: string, right: string, type: string) =>
      `Agency ${id} no longer holds ${right} on ${type}.`,
    labels: {
      id: 'id',
      name: 'name',
      status: 'status',
      roles: 'roles',
      keys: 'keys',
      grants: 'grants',
      updated: 'updated',
    },
    status: { active: 'active', suspended: 'suspended', revoked: 'revoked' } as Record<string, string>,
    none: '(none)',
    noAgencies: 'No agencies.',
    listHeader: ['ID', 'STATUS', 'ROLES', 'NAME'] as readonly string[],
  },
};

export type Messages = typeof en;
