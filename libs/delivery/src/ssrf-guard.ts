import type { LookupAddress, LookupOptions } from 'node:dns';
import { lookup as dnsLookup } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { BlockList, isIP } from 'node:net';

/** Where webhooks may go. The default (false) is for production: https to public addresses only. */
export interface WebhookTargetPolicy {
  /**
   * Also allow private, loopback, link-local and unique-local destinations, and plain http —
   * for tests and closed networks (gateway: `WEBHOOK_ALLOW_PRIVATE_NETWORKS`). Cloud metadata
   * endpoints, unspecified, multicast and reserved addresses stay refused regardless.
   */
  allowPrivateNetworks: boolean;
}

export type WebhookRefusal =
  'invalid-url' | 'insecure-scheme' | 'credentials-in-url' | 'forbidden-address' | 'unresolvable-host';

/** A webhook destination the policy refuses; `reason` is stable, `message` names what was wrong. */
export class WebhookTargetError extends Error {
  override readonly name = 'WebhookTargetError';
  /** Node's errno-style code, so a refused lookup inside an HTTP client is recognisable. */
  readonly code = 'ERR_WEBHOOK_TARGET_REFUSED';

  constructor(
    readonly reason: WebhookRefusal,
    message: string,
    /** The same in Vietnamese (problem details answer in the caller's language). */
    readonly messageVi: string,
    readonly address?: string,
  ) {
    super(message);
  }
}

export const MAX_WEBHOOK_URL_LENGTH = 2_048;
const DEFAULT_LOOKUP_TIMEOUT_MS = 5_000;

/** Never a webhook destination: cloud instance metadata services (the classic SSRF prize). */
const METADATA_ADDRESSES = new BlockList();
for (const address of ['169.254.169.254', '169.254.170.2', '100.100.100.200']) {
  METADATA_ADDRESSES.addAddress(address, 'ipv4');
}
METADATA_ADDRESSES.addAddress('fd00:ec2::254', 'ipv6');

/** Never a webhook destination: addresses no HTTP server is reached at (RFC 6890 and successors). */
const UNROUTABLE = new BlockList();
UNROUTABLE.addSubnet('0.0.0.0', 8, 'ipv4'); // "this network"; 0.0.0.0 reaches the local host on Linux
UNROUTABLE.addSubnet('224.0.0.0', 4, 'ipv4'); // multicast
UNROUTABLE.addSubnet('240.0.0.0', 4, 'ipv4'); // reserved, and 255.255.255.255 broadcast
UNROUTABLE.addAddress('::', 'ipv6'); // unspecified
UNROUTABLE.addSubnet('ff00::', 8, 'ipv6'); // multicast

/** Internal networks: allowed only with `allowPrivateNetworks`. */
const PRIVATE = new BlockList();
for (const [network, prefix] of [
  ['10.0.0.0', 8], // RFC 1918
  ['100.64.0.0', 10], // carrier-grade NAT (RFC 6598)
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local
  ['172.16.0.0', 12], // RFC 1918
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation (TEST-NET-1)
  ['192.88.99.0', 24], // 6to4 relay anycast
  ['192.168.0.0', 16], // RFC 1918
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation (TEST-NET-2)
  ['203.0.113.0', 24], // documentation (TEST-NET-3)
] as const) {
  PRIVATE.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::1', 128], // loopback
  ['100::', 64], // discard-only
  ['2001::', 32], // Teredo
  ['2001:db8::', 32], // documentation
  ['3fff::', 20], // documentation (RFC 9637)
  ['fc00::', 7], // unique local (fd00::/8 included)
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
] as const) {
  PRIVATE.addSubnet(network, prefix, 'ipv6');
}

/**
 * How an IP address is treated as a webhook destination: `public`, `private` (allowed only by
 * configuration) or `forbidden` (never). IPv4-mapped, NAT64 and 6to4 IPv6 addresses are judged
 * by the IPv4 address they carry. Anything that is not an IP address is `forbidden`.
 */
export function classifyAddress(address: string): 'public' | 'private' | 'forbidden' {
  const family = isIP(address);
  if (family === 0) return 'forbidden';
  const type = family === 4 ? 'ipv4' : 'ipv6';
  if (METADATA_ADDRESSES.check(address, type) || UNROUTABLE.check(address, type)) return 'forbidden';
  if (family === 6) {
    const embedded = embeddedIpv4(address);
    if (embedded !== undefined) {
      const inner = classifyAddress(embedded);
      if (inner !== 'public') return inner;
    }
  }
  return PRIVATE.check(address, type) ? 'private' : 'public';
}

/** Whether the policy lets a webhook connect to this IP address. */
export function isAllowedAddress(address: string, policy: WebhookTargetPolicy): boolean {
  const verdict = classifyAddress(address);
  return verdict === 'public' || (verdict === 'private' && policy.allowPrivateNetworks);
}

/**
 * Why the policy refuses to connect to this IP address, or undefined when it may: the check a
 * sender runs on every resolved address (`guardedLookup` does it for host names).
 */
export function checkWebhookAddress(address: string, policy: WebhookTargetPolicy): string | undefined {
  return isAllowedAddress(address, policy) ? undefined : refusal(address).message;
}

/**
 * Checks what can be checked without the network: an absolute http(s) URL without
 * credentials, https unless private networks are allowed, and a literal IP host allowed by the
 * policy. Returns the parsed URL (the WHATWG parser normalises `0x7f.1` and `2130706433` to
 * `127.0.0.1`, so the check sees the address that would be connected to). Throws
 * WebhookTargetError.
 */
export function checkWebhookUrl(url: string, policy: WebhookTargetPolicy): URL {
  if (url.length > MAX_WEBHOOK_URL_LENGTH) {
    throw new WebhookTargetError(
      'invalid-url',
      `the URL is longer than ${MAX_WEBHOOK_URL_LENGTH} characters`,
      `URL dài quá ${MAX_WEBHOOK_URL_LENGTH} ký tự`,
    );
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new WebhookTargetError('invalid-url', 'not an absolute URL', 'không phải là URL tuyệt đối');
  }
  if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && policy.allowPrivateNetworks)) {
    throw new WebhookTargetError(
      'insecure-scheme',
      policy.allowPrivateNetworks ? 'the scheme must be https or http' : 'the scheme must be https',
      policy.allowPrivateNetworks ? 'giao thức phải là https hoặc http' : 'giao thức phải là https',
    );
  }
  if (parsed.username !== '' || parsed.password !== '') {
    throw new WebhookTargetError(
      'credentials-in-url',
      'the URL must not carry a user name or password',
      'URL không được chứa tên người dùng hoặc mật khẩu',
    );
  }
  if (parsed.hostname === '') {
    throw new WebhookTargetError('invalid-url', 'the URL has no host', 'URL không có tên máy chủ');
  }
  const literal = hostAddress(parsed);
  if (literal !== undefined) assertAllowed(literal, policy);
  return parsed;
}

/**
 * The full check, at registration and before each send: `checkWebhookUrl`, then every address
 * the host name resolves to (`dns.lookup`, all of them) must be allowed — one private address
 * among public ones refuses the URL. Returns the addresses; a sender should connect to those
 * (or use `guardedLookup`) rather than resolve again, so DNS rebinding cannot slip past.
 */
export async function resolveWebhookTarget(
  url: string,
  policy: WebhookTargetPolicy,
  options: { lookup?: typeof dnsLookup; timeoutMs?: number } = {},
): Promise<{ url: URL; addresses: LookupAddress[] }> {
  const parsed = checkWebhookUrl(url, policy);
  const literal = hostAddress(parsed);
  if (literal !== undefined) return { url: parsed, addresses: [{ address: literal, family: isIP(literal) }] };
  const addresses = await lookupAll(parsed.hostname, options.lookup ?? dnsLookup, options.timeoutMs);
  for (const { address } of addresses) assertAllowed(address, policy, parsed.hostname);
  return { url: parsed, addresses };
}

/**
 * A `lookup` for `http.request` / `https.request` / `net.connect` that resolves like
 * `dns.lookup` and refuses host names with any address the policy does not allow, so the
 * address checked is the address connected to. (Literal IP hosts never reach a lookup: check
 * them with `checkWebhookUrl`.)
 */
export function guardedLookup(
  policy: WebhookTargetPolicy,
  lookup: typeof dnsLookup = dnsLookup,
): LookupFunction {
  return (hostname: string, options: LookupOptions, callback) => {
    lookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) {
        callback(error, []);
        return;
      }
      const refused = addresses.find((a) => !isAllowedAddress(a.address, policy));
      if (addresses.length === 0 || refused !== undefined) {
        callback(refusal(refused?.address ?? '(none)', hostname), []);
        return;
      }
      if (options.all) callback(null, addresses);
      else callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
}

function lookupAll(
  hostname: string,
  lookup: typeof dnsLookup,
  timeoutMs = DEFAULT_LOOKUP_TIMEOUT_MS,
): Promise<LookupAddress[]> {
  return new Promise((resolve, reject) => {
    const unresolvable = (why: string, whyVi: string) =>
      new WebhookTargetError(
        'unresolvable-host',
        `the host name ${hostname} ${why}`,
        `tên máy chủ ${hostname} ${whyVi}`,
      );
    // getaddrinfo has no timeout of its own; a stuck resolver must not hold a request.
    const timer = setTimeout(
      () =>
        reject(
          unresolvable(
            `did not resolve within ${timeoutMs} ms`,
            `không phân giải được trong ${timeoutMs} ms`,
          ),
        ),
      timeoutMs,
    );
    lookup(hostname, { all: true, verbatim: true }, (error, addresses) => {
      clearTimeout(timer);
      if (error || addresses.length === 0) reject(unresolvable('does not resolve', 'không phân giải được'));
      else resolve(addresses);
    });
  });
}

function assertAllowed(address: string, policy: WebhookTargetPolicy, hostname?: string): void {
  if (!isAllowedAddress(address, policy)) throw refusal(address, hostname);
}

function refusal(address: string, hostname?: string): WebhookTargetError {
  const verdict = classifyAddress(address);
  const [what, whatVi] =
    verdict === 'private'
      ? ['a private, loopback or link-local address', 'là địa chỉ mạng riêng, loopback hoặc link-local']
      : [
          'an address no webhook may use (metadata service, unspecified, multicast or reserved)',
          'là địa chỉ không được dùng cho webhook (dịch vụ metadata, chưa xác định, multicast hoặc dành riêng)',
        ];
  const subject = hostname === undefined ? address : `${hostname} resolves to ${address}, which`;
  const subjectVi = hostname === undefined ? address : `${hostname} phân giải thành ${address}, đây`;
  return new WebhookTargetError(
    'forbidden-address',
    `${subject} is ${what}`,
    `${subjectVi} ${whatVi}`,
    address,
  );
}

/** The IP address in the URL's host, without IPv6 brackets; undefined for a host name. */
function hostAddress(url: URL): string | undefined {
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  return isIP(host) === 0 ? undefined : host;
}

/**
 * The IPv4 address inside NAT64 (64:ff9b::/96, 64:ff9b:1::/48) and 6to4 (2002::/16) addresses.
 * IPv4-mapped addresses need no help: BlockList matches them against IPv4 rules itself.
 */
function embeddedIpv4(address: string): string | undefined {
  const groups = expandIpv6(address);
  if (groups === undefined) return undefined;
  const v4 = (high: number, low: number) => `${high >> 8}.${high & 0xff}.${low >> 8}.${low & 0xff}`;
  if (groups[0] === 0x64 && groups[1] === 0xff9b && (groups[2] === 0 || groups[2] === 1)) {
    return v4(groups[6]!, groups[7]!);
  }
  if (groups[0] === 0x2002) return v4(groups[1]!, groups[2]!);
  return undefined;
}

/** The eight 16-bit groups of an IPv6 address (a dotted IPv4 tail is folded into two groups). */
function expandIpv6(address: string): number[] | undefined {
  let text = address.split('%')[0]!.toLowerCase();
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted[1]!.split('.').map(Number) as [number, number, number, number];
    text = `${text.slice(0, -dotted[1]!.length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((g) => parseInt(g, 16)));
  const left = parse(head);
  const right = tail === undefined ? [] : parse(tail);
  const missing = 8 - left.length - right.length;
  if (missing < 0 || (tail === undefined && missing !== 0)) return undefined;
  const groups = [...left, ...new Array<number>(missing).fill(0), ...right];
  return groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : undefined;
}
