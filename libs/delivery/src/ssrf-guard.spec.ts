import type { LookupAddress, lookup as dnsLookup } from 'node:dns';
import { describe, expect, it } from '@jest/globals';
import {
  WebhookTargetError,
  checkWebhookAddress,
  checkWebhookUrl,
  classifyAddress,
  guardedLookup,
  resolveWebhookTarget,
} from './ssrf-guard.js';

const strict = { allowPrivateNetworks: false };
const relaxed = { allowPrivateNetworks: true };

/** A resolver answering from a table, as `dns.lookup` with `all: true` does. */
function fakeLookup(table: Record<string, string[]>): typeof dnsLookup {
  return ((hostname: string, _options: unknown, callback: (e: Error | null, a: LookupAddress[]) => void) => {
    const addresses = table[hostname];
    setImmediate(() =>
      addresses
        ? callback(
            null,
            addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
          )
        : callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), []),
    );
  }) as unknown as typeof dnsLookup;
}

function reason(run: () => unknown): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    if (error instanceof WebhookTargetError) return error.reason;
    throw error;
  }
}

describe('classifyAddress', () => {
  it.each([
    ['93.184.215.14', 'public'],
    ['2606:4700:4700::1111', 'public'],
    ['::ffff:8.8.8.8', 'public'],
    ['127.0.0.1', 'private'],
    ['127.255.1.2', 'private'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.1.1', 'private'],
    ['100.64.0.1', 'private'],
    ['203.0.113.7', 'private'],
    ['::1', 'private'],
    ['fd00::1', 'private'],
    ['fc00::1', 'private'],
    ['fe80::1', 'private'],
    ['::ffff:127.0.0.1', 'private'],
    ['::ffff:7f00:1', 'private'],
    ['64:ff9b::a00:1', 'private'],
    ['2002:c0a8:101::1', 'private'],
    ['169.254.169.254', 'forbidden'],
    ['fd00:ec2::254', 'forbidden'],
    ['::ffff:169.254.169.254', 'forbidden'],
    ['64:ff9b::a9fe:a9fe', 'forbidden'],
    ['0.0.0.0', 'forbidden'],
    ['::', 'forbidden'],
    ['224.0.0.1', 'forbidden'],
    ['255.255.255.255', 'forbidden'],
    ['ff02::1', 'forbidden'],
    ['not-an-ip', 'forbidden'],
  ])('%s is %s', (address, expected) => {
    expect(classifyAddress(address)).toBe(expected);
  });

  it('explains a refusal and allows what the policy allows', () => {
    expect(checkWebhookAddress('8.8.8.8', strict)).toBeUndefined();
    expect(checkWebhookAddress('10.0.0.1', strict)).toMatch(/private/);
    expect(checkWebhookAddress('10.0.0.1', relaxed)).toBeUndefined();
    expect(checkWebhookAddress('169.254.169.254', relaxed)).toMatch(/metadata/);
  });
});

describe('checkWebhookUrl', () => {
  it.each([
    ['http://hooks.example.org/x', 'insecure-scheme'],
    ['ftp://hooks.example.org/x', 'insecure-scheme'],
    ['hooks.example.org/x', 'invalid-url'],
    ['https://user:secret@hooks.example.org/x', 'credentials-in-url'],
    ['https://127.0.0.1/x', 'forbidden-address'],
    ['https://2130706433/x', 'forbidden-address'],
    ['https://0x7f.1/x', 'forbidden-address'],
    ['https://[::1]:8443/x', 'forbidden-address'],
    ['https://[::ffff:127.0.0.1]/x', 'forbidden-address'],
    ['https://[fd00::1]/x', 'forbidden-address'],
    ['https://10.0.0.8/x', 'forbidden-address'],
    ['https://172.20.1.1/x', 'forbidden-address'],
    ['https://192.168.0.10/x', 'forbidden-address'],
    ['https://169.254.169.254/latest/meta-data/', 'forbidden-address'],
    ['https://0.0.0.0/x', 'forbidden-address'],
    [`https://hooks.example.org/${'x'.repeat(2_100)}`, 'invalid-url'],
  ])('refuses %s (%s) by default', (url, expected) => {
    expect(reason(() => checkWebhookUrl(url, strict))).toBe(expected);
  });

  it.each([
    ['http://hooks.example.org/x', 'giao thức phải là https'],
    ['hooks.example.org/x', 'không phải là URL tuyệt đối'],
    ['https://user:secret@hooks.example.org/x', 'URL không được chứa tên người dùng hoặc mật khẩu'],
    ['https://10.0.0.8/x', '10.0.0.8 là địa chỉ mạng riêng, loopback hoặc link-local'],
    ['https://169.254.169.254/x', '169.254.169.254 là địa chỉ không được dùng cho webhook'],
  ])('says why %s is refused in Vietnamese too', (url, vi) => {
    let refusal: unknown;
    try {
      checkWebhookUrl(url, strict);
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(WebhookTargetError);
    expect((refusal as WebhookTargetError).messageVi).toContain(vi);
  });

  it('accepts https to a host name or a public address', () => {
    expect(checkWebhookUrl('https://hooks.example.org/lienthong?x=1', strict).hostname).toBe(
      'hooks.example.org',
    );
    expect(checkWebhookUrl('https://8.8.8.8/x', strict).href).toBe('https://8.8.8.8/x');
  });

  it('allows http and private addresses when configured, never the metadata service', () => {
    expect(checkWebhookUrl('http://127.0.0.1:9999/hook', relaxed).port).toBe('9999');
    expect(checkWebhookUrl('https://[fd00::1]/x', relaxed).hostname).toBe('[fd00::1]');
    expect(reason(() => checkWebhookUrl('http://169.254.169.254/', relaxed))).toBe('forbidden-address');
    expect(reason(() => checkWebhookUrl('http://0.0.0.0:9999/', relaxed))).toBe('forbidden-address');
  });
});

describe('resolveWebhookTarget', () => {
  const lookup = fakeLookup({
    'hooks.example.org': ['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c'],
    'internal.example.org': ['10.0.0.5'],
    'mixed.example.org': ['93.184.215.14', '192.168.1.20'],
    'metadata.example.org': ['169.254.169.254'],
  });

  it('returns every resolved address when all are public', async () => {
    const target = await resolveWebhookTarget('https://hooks.example.org/x', strict, { lookup });
    expect(target.addresses.map((a) => a.address)).toEqual([
      '93.184.215.14',
      '2606:2800:21f:cb07:6820:80da:af6b:8b2c',
    ]);
  });

  it('refuses a host name with any private address among its addresses', async () => {
    for (const host of ['internal.example.org', 'mixed.example.org', 'metadata.example.org']) {
      await expect(resolveWebhookTarget(`https://${host}/x`, strict, { lookup })).rejects.toMatchObject({
        reason: 'forbidden-address',
      });
    }
    await expect(
      resolveWebhookTarget('https://internal.example.org/x', relaxed, { lookup }),
    ).resolves.toBeDefined();
    await expect(
      resolveWebhookTarget('https://metadata.example.org/x', relaxed, { lookup }),
    ).rejects.toMatchObject({
      reason: 'forbidden-address',
    });
  });

  it('refuses a host name that does not resolve', async () => {
    await expect(
      resolveWebhookTarget('https://nowhere.example.org/x', strict, { lookup }),
    ).rejects.toMatchObject({
      reason: 'unresolvable-host',
    });
  });

  it('refuses a resolver that never answers, after the timeout', async () => {
    const silent = (() => undefined) as unknown as typeof dnsLookup;
    await expect(
      resolveWebhookTarget('https://slow.example.org/x', strict, { lookup: silent, timeoutMs: 20 }),
    ).rejects.toMatchObject({ reason: 'unresolvable-host' });
  });

  it('resolves localhost with the system resolver, and refuses it', async () => {
    await expect(resolveWebhookTarget('https://localhost/x', strict)).rejects.toMatchObject({
      reason: 'forbidden-address',
    });
  });
});

describe('guardedLookup', () => {
  const lookup = fakeLookup({
    'hooks.example.org': ['93.184.215.14'],
    'mixed.example.org': ['93.184.215.14', '10.0.0.1'],
  });
  const call = (host: string, all: boolean) =>
    new Promise<{ error: NodeJS.ErrnoException | null; address: unknown; family?: number }>((resolve) => {
      guardedLookup(strict, lookup)(host, { all }, (error, address, family) =>
        resolve({ error, address, family }),
      );
    });

  it('answers like dns.lookup when every address is allowed', async () => {
    expect(await call('hooks.example.org', false)).toEqual({
      error: null,
      address: '93.184.215.14',
      family: 4,
    });
    expect(await call('hooks.example.org', true)).toMatchObject({
      error: null,
      address: [{ address: '93.184.215.14' }],
    });
  });

  it('fails the connection when an address is not allowed', async () => {
    const { error } = await call('mixed.example.org', false);
    expect(error).toBeInstanceOf(WebhookTargetError);
    expect(error?.code).toBe('ERR_WEBHOOK_TARGET_REFUSED');
  });
});
