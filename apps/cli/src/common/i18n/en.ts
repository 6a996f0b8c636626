/**
 * English messages of the commands that speak both languages. `vi.ts` has the same members
 * (its type is this catalogue's), so a message missing from one language fails the type check.
 */
export const en = {
  /** Help and usage errors of every command. */
  cli: {
    usage: 'Usage',
    arguments: 'Arguments',
    options: 'Options',
    examples: 'Examples',
    actions: 'Actions',
    commands: 'Commands',
    showHelp: 'show this help',
    mayBeRepeated: '(may be repeated)',
    orSet: (variable: string) => ` (or set ${variable})`,
    missingOption: (option: string, value: string, from: string) => `missing --${option} ${value}${from}`,
    givenTwice: (option: string) => `--${option} is given more than once`,
    empty: (option: string) => `--${option} is empty`,
    noArguments: 'no arguments',
    none: 'none',
    takes: (command: string, wanted: string, got: string) => `${command} takes ${wanted}; got ${got}`,
    runHelp: (command: string) => `Run 'lienthong ${command} --help' for its usage.`,
    unknownCommand: (name: string) =>
      `unknown command ${JSON.stringify(name)}; run 'lienthong --help' for the list`,
    unknownAction: (name: string, group: string) =>
      `unknown action ${JSON.stringify(name)} of ${group}; run 'lienthong ${group} --help' for the list`,
    everyActionHelp: (example: string) => `Every action takes --help, e.g. lienthong ${example} --help.`,
    refused: 'refused by the gateway',
    correlationId: 'correlation id',
    retryAfter: 'retry after',
    wholeDocument: '(the whole document)',
    gatewayNotUrl: (text: string) => `--gateway ${text} is not a URL; e.g. http://127.0.0.1:8080`,
    gatewayScheme: (text: string) => `--gateway ${text} must be an http:// or https:// URL`,
    gatewayCredentials: '--gateway must not carry a user name or password',
    gatewayQuery: '--gateway must not have a query or a fragment',
  },
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
  subscription: {
    badId: (value: string) => `${JSON.stringify(value)} is not a subscription id`,
    needTypes: 'give at least one --type, or the whole request with --file',
    fileAndFlags: (flags: string) => `--file holds the whole request; do not combine it with ${flags}`,
    purposeHalf: 'give both --purpose-vi and --purpose-en (the purpose is stated in both languages)',
    notObject: (file: string) => `${file} is not a subscription request (a JSON object)`,
    badWebhook: (url: string) => `--webhook ${url} is not an https:// (or http://) URL`,
    badLimit: (value: string) => `--limit ${value} is not a whole number from 1 to 1000`,
    badAnswer: (what: string) => `the gateway answered something that is not ${what}`,
    created: (id: string) => `Subscription ${id} created.`,
    secretOnce:
      'Keep the webhook secret now: the gateway shows it in this answer only, and signs every delivery with it.',
    paused: (id: string) => `Subscription ${id} paused: deliveries wait until it is resumed.`,
    resumed: (id: string) => `Subscription ${id} resumed.`,
    deleted: (id: string) => `Subscription ${id} deleted.`,
    updated: (id: string) => `Subscription ${id} updated.`,
    nothingToEdit: 'give --purpose-vi and --purpose-en, or --legal-basis: there is nothing else to change',
    labels: {
      id: 'id',
      agency: 'agency',
      types: 'types',
      delivery: 'delivery',
      secret: 'secret',
      purpose: 'purpose',
      legalBasis: 'legal basis',
      status: 'status',
      created: 'created',
    },
    status: { active: 'active', paused: 'paused' } as Record<string, string>,
    noSubscriptions: 'No subscriptions.',
    listHeader: ['ID', 'STATUS', 'DELIVERY', 'TYPES'] as readonly string[],
    noDeadLetters: (id: string) => `No dead letters for subscription ${id}.`,
    deadLetterHeader: ['DEAD-LETTERED AT', 'MESSAGE', 'TYPE', 'ATTEMPTS', 'REASON'] as readonly string[],
    truncated: 'More dead letters matched: only the newest are listed (raise --limit).',
    incomplete:
      'The scan stopped at its deadline before the end of lienthong.dlq: the list may be incomplete.',
  },
  validate: {
    badVersion: (value: string) => `--version ${value} is not a positive whole number`,
    badAnswer: (what: string) => `the gateway answered something that is not ${what}`,
    valid: (type: string, version: number) => `Valid: the record matches ${type} schema version ${version}.`,
    invalid: (count: number, type: string, version: number, code: string) =>
      `Invalid (${code}): ${count} problem(s) against ${type} schema version ${version}.`,
    notValid: 'the record is not valid: publishing it would be refused',
    deprecated: (type: string, version: number) =>
      `Note: ${type} version ${version} is deprecated; records are still accepted, plan to move on.`,
    disabled: (type: string, version: number) =>
      `${type} version ${version} is disabled: the gateway refuses records against it.`,
    allDisabled: (type: string) => `Every version of ${type} is disabled: the gateway refuses its records.`,
  },
  compatibility: {
    badLevel: (value: string, levels: string) =>
      `--level ${value} is not a compatibility level; use one of ${levels}`,
    notObject: (file: string) => `schema file ${file} is not a JSON object`,
    badAnswer: (what: string) => `the gateway answered something that is not ${what}`,
    compatible: (type: string, level: string) =>
      `Compatible: the schema may be registered as the next version of ${type} (level ${level}).`,
    incompatible: (type: string, level: string, count: number) =>
      `Not compatible with ${type} under level ${level}: ${count} reason(s).`,
    against: (version: number) => `against version ${version}`,
    notCompatible: 'the schema is not compatible: registering it would be refused (409 schema-incompatible)',
  },
  command: {
    badTime: (option: string, value: string) =>
      `--${option} ${value} is not an RFC 3339 date-time with a time zone, e.g. 2026-11-28T08:00:00+07:00`,
    badAnswer: (what: string) => `the gateway answered something that is not ${what}`,
    replayAccepted: (id: string, since: string) =>
      `Replay accepted for subscription ${id}: the router re-delivers every matching record accepted since ${since}.`,
    redriveAccepted: (id: string, since: string | undefined) =>
      since === undefined
        ? `Redrive accepted for subscription ${id}: the router sends its dead letters again.`
        : `Redrive accepted for subscription ${id}: the router sends again its dead letters since ${since}.`,
    labels: { command: 'command', requested: 'requested' },
    noProgress: (commandId: string) =>
      `The gateway offers no way to follow the command's progress; every delivery it makes carries the header lienthong-command: ${commandId}.`,
  },
};

export type Messages = typeof en;
