import { createHmac, createPublicKey, generateKeyPairSync, randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, it, jest } from '@jest/globals';
import { problemStatus } from '@lienthong/contracts';
import { revokedAgencyKey } from './agency-jwks.js';
import type { AgencyTrust, ClientAssertionContext } from './client-assertion.js';
import { createClientAssertion, verifyClientAssertion } from './client-assertion.js';
import type { AgencyAlgorithm } from './compact-jws.util.js';
import { InMemoryJtiStore } from './jti-store.js';
import type { TestKey } from './test-fixtures.util.js';
import {
  AGENCY_A,
  AGENCY_B,
  ISSUER,
  TestClock,
  b64url,
  flipSignatureByte,
  makeAgencyKey,
  refusal,
  signCompact,
  trustError,
} from './test-fixtures.util.js';

const keyA = makeAgencyKey('ES256', 'a-es256-2026');
const keyB = makeAgencyKey('ES256', 'b-es256-2026');
const keysByAlg: Record<AgencyAlgorithm, TestKey> = {
  ES256: keyA,
  EdDSA: makeAgencyKey('EdDSA', 'a-ed25519'),
  PS256: makeAgencyKey('PS256', 'a-rsa-pss'),
  RS256: makeAgencyKey('RS256', 'a-rsa-pkcs1'),
};

let clock: TestClock;
let agencies: Map<string, AgencyTrust>;
let jtiStore: InMemoryJtiStore;
let ctx: ClientAssertionContext;

beforeEach(() => {
  clock = new TestClock();
  agencies = new Map([
    [AGENCY_A, { status: 'active', keys: Object.values(keysByAlg).map((k) => k.agencyKey) }],
    [AGENCY_B, { status: 'active', keys: [keyB.agencyKey] }],
  ]);
  jtiStore = new InMemoryJtiStore({ now: clock.now });
  ctx = { issuer: ISSUER, resolveAgency: (id) => agencies.get(id), jtiStore, now: clock.now };
});

function claims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const now = clock.seconds;
  const base: Record<string, unknown> = {
    iss: AGENCY_A,
    sub: AGENCY_A,
    aud: ISSUER,
    iat: now,
    exp: now + 60,
    jti: randomUUID(),
  };
  for (const [name, value] of Object.entries(overrides)) {
    if (value === undefined) delete base[name];
    else base[name] = value;
  }
  return base;
}

/** An assertion by agency A's ES256 key unless told otherwise. */
function assertion(
  claimOverrides: Record<string, unknown> = {},
  headerOverrides: Record<string, unknown> = {},
  key: TestKey = keyA,
): string {
  return signCompact(
    { alg: key.alg, kid: key.kid, ...headerOverrides },
    claims(claimOverrides),
    key.privateKey,
  );
}

const verify = (token: unknown): Promise<string> => refusal(verifyClientAssertion(token, ctx));

describe('verifyClientAssertion accepts', () => {
  it.each(['ES256', 'EdDSA', 'PS256', 'RS256'] as const)('an assertion signed with %s', async (alg) => {
    const key = keysByAlg[alg];
    const jti = randomUUID();
    const result = await verifyClientAssertion(assertion({ jti }, {}, key), ctx);
    expect(result).toEqual({
      agencyId: AGENCY_A,
      kid: key.kid,
      alg,
      jti,
      issuedAt: clock.seconds,
      expiresAt: clock.seconds + 60,
    });
  });

  it('an assertion built by createClientAssertion (jose)', async () => {
    const token = await createClientAssertion({
      agencyId: AGENCY_A,
      audience: ISSUER,
      privateKey: keyA.privateKey,
      kid: keyA.kid,
      alg: 'ES256',
      now: clock.now,
    });
    await expect(verifyClientAssertion(token, ctx)).resolves.toMatchObject({
      agencyId: AGENCY_A,
      kid: keyA.kid,
    });
  });

  it('an audience given as a one-element array', async () => {
    expect(await verify(assertion({ aud: [ISSUER] }))).toBe('accepted');
  });

  it('typ JWT and typ client-authentication+jwt', async () => {
    expect(await verify(assertion({}, { typ: 'JWT' }))).toBe('accepted');
    expect(await verify(assertion({}, { typ: 'client-authentication+jwt' }))).toBe('accepted');
  });

  it('a clock up to 30 seconds apart', async () => {
    expect(await verify(assertion({ iat: clock.seconds + 25, exp: clock.seconds + 85 }))).toBe('accepted');
    expect(await verify(assertion({ iat: clock.seconds - 80, exp: clock.seconds - 20 }))).toBe('accepted');
  });

  it('the same jti from two different agencies', async () => {
    const jti = randomUUID();
    expect(await verify(assertion({ jti }))).toBe('accepted');
    expect(await verify(assertion({ jti, iss: AGENCY_B, sub: AGENCY_B }, {}, keyB))).toBe('accepted');
  });
});

describe('verifyClientAssertion refuses', () => {
  it('a missing assertion, as invalid_request', async () => {
    expect(await verify(undefined)).toBe('missing');
    const error = await trustError(verifyClientAssertion('', ctx));
    expect([error.reason, error.oauthError, error.code]).toEqual([
      'missing',
      'invalid_request',
      'bad-request',
    ]);
  });

  it('alg none', async () => {
    const token = `${b64url(JSON.stringify({ alg: 'none', kid: keyA.kid }))}.${b64url(JSON.stringify(claims()))}.`;
    expect(await verify(token)).toBe('alg-not-allowed');
  });

  it('HS256 keyed with the agency public key (algorithm confusion)', async () => {
    const x = String(keyA.publicJwk.x);
    // The classic confusion: the PEM public key a naive library would hand to HMAC as its secret.
    const spki = createPublicKey(keyA.privateKey).export({ type: 'spki', format: 'pem' });
    const secrets = [JSON.stringify(keyA.publicJwk), spki, x, Buffer.from(x, 'base64url')];
    for (const secret of secrets) {
      const input = `${b64url(JSON.stringify({ alg: 'HS256', kid: keyA.kid }))}.${b64url(JSON.stringify(claims()))}`;
      const token = `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
      expect(await verify(token)).toBe('alg-not-allowed');
    }
  });

  it('HS256 even when the header names no key', async () => {
    const input = `${b64url(JSON.stringify({ alg: 'HS256' }))}.${b64url(JSON.stringify(claims()))}`;
    const token = `${input}.${createHmac('sha256', JSON.stringify(keyA.publicJwk)).update(input).digest('base64url')}`;
    expect(await verify(token)).toBe('alg-not-allowed');
  });

  it('an algorithm outside the list (ES384)', async () => {
    const token = signCompact({ alg: 'ES384', kid: keyA.kid }, claims(), keyA.privateKey, 'ES256');
    expect(await verify(token)).toBe('alg-not-allowed');
  });

  it('one flipped signature byte', async () => {
    expect(await verify(flipSignatureByte(assertion()))).toBe('signature-invalid');
  });

  it('an all-zero ECDSA signature', async () => {
    const [header, payload] = assertion().split('.');
    expect(await verify(`${header}.${payload}.${b64url(new Uint8Array(64))}`)).toBe('signature-invalid');
  });

  it('a signature of the wrong length', async () => {
    const [header, payload] = assertion().split('.');
    expect(await verify(`${header}.${payload}.${b64url(new Uint8Array(63))}`)).toBe('signature-invalid');
  });

  it('claims changed after signing', async () => {
    const [header, , signature] = assertion().split('.');
    const extended = b64url(JSON.stringify(claims({ exp: clock.seconds + 300 })));
    expect(await verify(`${header}.${extended}.${signature}`)).toBe('signature-invalid');
  });

  it('a kid with a path, before any lookup', async () => {
    const resolveAgency = jest.fn(ctx.resolveAgency);
    ctx.resolveAgency = resolveAgency;
    expect(await verify(assertion({}, { kid: '../../etc/passwd' }))).toBe('kid-invalid');
    expect(resolveAgency).not.toHaveBeenCalled();
  });

  it('a kid with an SQL fragment, before any lookup', async () => {
    const resolveAgency = jest.fn(ctx.resolveAgency);
    ctx.resolveAgency = resolveAgency;
    expect(await verify(assertion({}, { kid: "1' OR '1'='1" }))).toBe('kid-invalid');
    expect(resolveAgency).not.toHaveBeenCalled();
  });

  it('a kid that is not a string', async () => {
    expect(await verify(assertion({}, { kid: { $ne: null } }))).toBe('kid-invalid');
  });

  it('a missing kid (no trying every key of the agency)', async () => {
    expect(await verify(assertion({}, { kid: undefined }))).toBe('kid-missing');
  });

  it('a jku header', async () => {
    expect(await verify(assertion({}, { jku: 'https://attacker.test/jwks.json' }))).toBe(
      'header-not-allowed',
    );
  });

  it('an x5u header', async () => {
    expect(await verify(assertion({}, { x5u: 'https://attacker.test/cert.pem' }))).toBe('header-not-allowed');
  });

  it('an embedded jwk header naming the signing key', async () => {
    const attacker = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const token = signCompact(
      { alg: 'ES256', kid: keyA.kid, jwk: attacker.publicKey.export({ format: 'jwk' }) },
      claims(),
      attacker.privateKey,
    );
    expect(await verify(token)).toBe('header-not-allowed');
  });

  it('an x5c header', async () => {
    expect(await verify(assertion({}, { x5c: ['MIIBszCCAVmgAwIBAgIUD'] }))).toBe('header-not-allowed');
  });

  it('an unknown crit extension', async () => {
    expect(await verify(assertion({}, { crit: ['urn:example:policy'], 'urn:example:policy': 1 }))).toBe(
      'crit-unsupported',
    );
  });

  it('b64: false without crit (RFC 7797 section 6)', async () => {
    expect(await verify(assertion({}, { b64: false }))).toBe('header-not-allowed');
  });

  it('crit naming b64 (unencoded payloads are not supported)', async () => {
    expect(await verify(assertion({}, { crit: ['b64'], b64: false }))).toBe('crit-unsupported');
  });

  it('a token of another type (an access token offered as an assertion)', async () => {
    expect(await verify(assertion({}, { typ: 'at+jwt' }))).toBe('typ-invalid');
  });

  it('an expired assertion', async () => {
    expect(await verify(assertion({ iat: clock.seconds - 120, exp: clock.seconds - 31 }))).toBe(
      'token-expired',
    );
  });

  it('an assertion that becomes expired while the clock moves', async () => {
    const token = assertion();
    clock.advance(91);
    expect(await verify(token)).toBe('token-expired');
  });

  it('an assertion not valid yet (nbf)', async () => {
    expect(await verify(assertion({ nbf: clock.seconds + 60, exp: clock.seconds + 120 }))).toBe(
      'not-yet-valid',
    );
  });

  it('a missing exp', async () => expect(await verify(assertion({ exp: undefined }))).toBe('exp-missing'));
  it('an exp that is not a number', async () =>
    expect(await verify(assertion({ exp: 'tomorrow' }))).toBe('claim-invalid'));
  it('a missing iat', async () => expect(await verify(assertion({ iat: undefined }))).toBe('iat-missing'));

  it('an iat too old', async () => {
    expect(await verify(assertion({ iat: clock.seconds - 331, exp: clock.seconds + 30 }))).toBe(
      'iat-too-old',
    );
  });

  it('an iat in the future', async () => {
    expect(await verify(assertion({ iat: clock.seconds + 31, exp: clock.seconds + 90 }))).toBe(
      'iat-in-future',
    );
  });

  it('an exp more than 5 minutes ahead', async () => {
    expect(await verify(assertion({ exp: clock.seconds + 3600 }))).toBe('lifetime-too-long');
  });

  it('an exp more than 5 minutes after iat', async () => {
    expect(await verify(assertion({ iat: clock.seconds - 10, exp: clock.seconds + 291 }))).toBe(
      'lifetime-too-long',
    );
  });

  it('a wrong audience', async () => {
    expect(await verify(assertion({ aud: 'https://other-gateway.test' }))).toBe('aud-mismatch');
  });

  it('a missing audience', async () =>
    expect(await verify(assertion({ aud: undefined }))).toBe('aud-mismatch'));

  it('a multi-valued audience, even one that names this gateway', async () => {
    expect(await verify(assertion({ aud: [ISSUER, 'https://other-gateway.test'] }))).toBe('aud-multi-valued');
  });

  it('iss different from sub', async () => {
    expect(await verify(assertion({ sub: AGENCY_B }))).toBe('iss-sub-mismatch');
  });

  it('a missing sub', async () =>
    expect(await verify(assertion({ sub: undefined }))).toBe('iss-sub-mismatch'));
  it('a missing iss', async () => expect(await verify(assertion({ iss: undefined }))).toBe('iss-missing'));

  it('an iss that is not an agency code, without asking the registry', async () => {
    const resolveAgency = jest.fn(ctx.resolveAgency);
    ctx.resolveAgency = resolveAgency;
    expect(await verify(assertion({ iss: '../admin', sub: '../admin' }))).toBe('agency-unknown');
    expect(resolveAgency).not.toHaveBeenCalled();
  });

  it('an unregistered agency', async () => {
    expect(await verify(assertion({ iss: '000.00.00.Z99', sub: '000.00.00.Z99' }))).toBe('agency-unknown');
  });

  it('a replayed jti', async () => {
    const token = assertion();
    expect(await verify(token)).toBe('accepted');
    expect(await verify(token)).toBe('jti-replayed');
  });

  it('a replayed jti inside a new assertion', async () => {
    const jti = randomUUID();
    expect(await verify(assertion({ jti }))).toBe('accepted');
    clock.advance(10);
    expect(await verify(assertion({ jti }))).toBe('jti-replayed');
  });

  it('a missing jti', async () => expect(await verify(assertion({ jti: undefined }))).toBe('jti-missing'));
  it('an over-long jti', async () =>
    expect(await verify(assertion({ jti: 'j'.repeat(129) }))).toBe('claim-invalid'));

  it('two segments', async () => {
    const [header, payload] = assertion().split('.');
    expect(await verify(`${header}.${payload}`)).toBe('malformed');
  });

  it('four segments', async () => expect(await verify(`${assertion()}.AAAA`)).toBe('malformed'));

  it('a header that is not base64url', async () => {
    const [, payload, signature] = assertion().split('.');
    expect(await verify(`eyJ@bGci!.${payload}.${signature}`)).toBe('malformed');
  });

  it('padded base64 in a segment', async () => {
    const [header, payload, signature] = assertion().split('.');
    expect(await verify(`${header}.${payload}.${signature}==`)).toBe('malformed');
  });

  it('a header that is not JSON', async () => {
    const [, payload, signature] = assertion().split('.');
    expect(await verify(`${b64url('{"alg":"ES256",')}.${payload}.${signature}`)).toBe('malformed');
  });

  it('a header that is a JSON array', async () => {
    const [, payload, signature] = assertion().split('.');
    expect(await verify(`${b64url('["ES256"]')}.${payload}.${signature}`)).toBe('malformed');
  });

  it('claims that are not JSON', async () => {
    const token = signCompact({ alg: 'ES256', kid: keyA.kid }, 'not json', keyA.privateKey);
    expect(await verify(token)).toBe('malformed');
  });

  it('an empty signature', async () => {
    const [header, payload] = assertion().split('.');
    expect(await verify(`${header}.${payload}.`)).toBe('malformed');
  });

  it('an oversized assertion', async () => {
    expect(await verify(assertion({ padding: 'x'.repeat(9000) }))).toBe('too-large');
  });

  it("another agency's key, with that agency's kid", async () => {
    expect(await verify(assertion({}, {}, keyB))).toBe('kid-unknown');
  });

  it("another agency's key, with the agency's own kid", async () => {
    const token = signCompact({ alg: 'ES256', kid: keyA.kid }, claims(), keyB.privateKey);
    expect(await verify(token)).toBe('signature-invalid');
  });

  it('an RSA key used with the algorithm it was not registered for', async () => {
    const pss = keysByAlg.PS256;
    const token = signCompact({ alg: 'RS256', kid: pss.kid }, claims(), pss.privateKey);
    expect(await verify(token)).toBe('alg-key-mismatch');
  });

  it('an EC key named by an RSA algorithm', async () => {
    const token = signCompact({ alg: 'RS256', kid: keyA.kid }, claims(), keyA.privateKey, 'ES256');
    expect(await verify(token)).toBe('alg-key-mismatch');
  });

  it('a suspended agency, as unauthorized_client, without consuming the jti', async () => {
    agencies.set(AGENCY_A, { ...agencies.get(AGENCY_A)!, status: 'suspended' });
    const token = assertion();
    const error = await trustError(verifyClientAssertion(token, ctx));
    expect([error.reason, error.oauthError, error.code]).toEqual([
      'agency-suspended',
      'unauthorized_client',
      'unauthorized-client',
    ]);
    agencies.set(AGENCY_A, { ...agencies.get(AGENCY_A)!, status: 'active' });
    expect(await verify(token)).toBe('accepted');
  });

  it('a revoked key', async () => {
    const { keys } = agencies.get(AGENCY_A)!;
    agencies.set(AGENCY_A, {
      status: 'active',
      keys: keys.map((k) => (k.kid === keyA.kid ? revokedAgencyKey(k) : k)),
    });
    expect(await verify(assertion())).toBe('key-revoked');
  });

  it('a key the registry no longer lists', async () => {
    agencies.set(AGENCY_A, { status: 'active', keys: [keysByAlg.EdDSA.agencyKey] });
    expect(await verify(assertion())).toBe('kid-unknown');
  });

  it('when the replay cache is full, as temporarily_unavailable', async () => {
    ctx.jtiStore = new InMemoryJtiStore({ now: clock.now, maxEntries: 1 });
    expect(await verify(assertion())).toBe('accepted');
    const error = await trustError(verifyClientAssertion(assertion(), ctx));
    expect([error.reason, error.oauthError, problemStatus(error.code)]).toEqual([
      'replay-cache-full',
      'temporarily_unavailable',
      503,
    ]);
  });

  it('with invalid_client and a 401 problem for a bad assertion', async () => {
    const error = await trustError(verifyClientAssertion(flipSignatureByte(assertion()), ctx));
    expect([error.context, error.oauthError, error.code, problemStatus(error.code)]).toEqual([
      'client-assertion',
      'invalid_client',
      'invalid-client',
      401,
    ]);
    expect(error.options.detailVi).toBe('Chữ ký không hợp lệ.');
  });
});

describe('createClientAssertion', () => {
  it('refuses a lifetime above 5 minutes', async () => {
    await expect(
      createClientAssertion({
        agencyId: AGENCY_A,
        audience: ISSUER,
        privateKey: keyA.privateKey,
        kid: keyA.kid,
        alg: 'ES256',
        lifetimeSeconds: 301,
      }),
    ).rejects.toThrow(RangeError);
  });
});
