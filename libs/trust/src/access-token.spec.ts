import { createHmac, randomUUID } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { beforeEach, describe, expect, it, jest } from '@jest/globals';
import { decodeJwt, decodeProtectedHeader, exportPKCS8 } from 'jose';
import { createPrivateKey } from 'node:crypto';
import { problemStatus } from '@lienthong/contracts';
import type { AccessTokenSubject } from './access-token.js';
import { AccessTokenIssuer, AccessTokenVerifier } from './access-token.js';
import { GatewayKeyring } from './gateway-keyring.js';
import { ReceiptSigner } from './receipt.js';
import {
  AGENCY_A,
  AUDIENCE,
  ISSUER,
  TestClock,
  b64url,
  flipSignatureByte,
  refusal,
  signCompact,
  trustError,
} from './test-fixtures.util.js';

const subject: AccessTokenSubject = {
  agencyId: AGENCY_A,
  roles: ['schema-admin'],
  grants: { publish: ['residence.registration'], subscribe: ['civil.birth-registration'] },
};

let clock: TestClock;
let keyring: GatewayKeyring;
let issuer: AccessTokenIssuer;
let verifier: AccessTokenVerifier;
let gatewayKey: KeyObject;

beforeEach(async () => {
  clock = new TestClock();
  keyring = await GatewayKeyring.generate({
    now: clock.now,
    maxTokenLifetimeSeconds: 600,
    receiptRetentionSeconds: 0,
  });
  issuer = new AccessTokenIssuer(keyring, { issuer: ISSUER, audience: AUDIENCE, now: clock.now });
  verifier = new AccessTokenVerifier(keyring, { issuer: ISSUER, audience: AUDIENCE, now: clock.now });
  gatewayKey = createPrivateKey(await exportPKCS8(keyring.signingKey().key));
});

/** A token signed by the gateway's key with chosen header and claims. */
function forge(
  claimOverrides: Record<string, unknown> = {},
  headerOverrides: Record<string, unknown> = {},
): string {
  const now = clock.seconds;
  const claims: Record<string, unknown> = {
    iss: ISSUER,
    sub: AGENCY_A,
    aud: AUDIENCE,
    iat: now,
    exp: now + 300,
    jti: randomUUID(),
    client_id: AGENCY_A,
    lienthong: { roles: [], publish: [], subscribe: [] },
  };
  for (const [name, value] of Object.entries(claimOverrides)) {
    if (value === undefined) delete claims[name];
    else claims[name] = value;
  }
  const header = { alg: 'ES256', kid: keyring.activeKey().kid, typ: 'at+jwt', ...headerOverrides };
  return signCompact(header, claims, gatewayKey, 'ES256');
}

const verify = (token: string | undefined): Promise<string> => refusal(verifier.verify(token));

describe('AccessTokenIssuer', () => {
  it('issues an RFC 9068 token: typ at+jwt, the registered claims, client_id and the grants', async () => {
    const issued = await issuer.issueAccessToken(
      { ...subject, scope: 'publish subscribe' },
      { lifetimeSeconds: 600 },
    );
    expect(decodeProtectedHeader(issued.token)).toEqual({
      alg: 'ES256',
      kid: keyring.activeKey().kid,
      typ: 'at+jwt',
    });
    expect(decodeJwt(issued.token)).toEqual({
      iss: ISSUER,
      sub: AGENCY_A,
      aud: AUDIENCE,
      iat: clock.seconds,
      exp: clock.seconds + 600,
      jti: issued.jti,
      client_id: AGENCY_A,
      scope: 'publish subscribe',
      lienthong: {
        roles: ['schema-admin'],
        publish: ['residence.registration'],
        subscribe: ['civil.birth-registration'],
      },
    });
    expect(issued).toMatchObject({
      expiresIn: 600,
      expiresAt: clock.seconds + 600,
      kid: keyring.activeKey().kid,
    });
  });

  it('defaults to 5 minutes and refuses more than 10', async () => {
    expect((await issuer.issueAccessToken(subject)).expiresIn).toBe(300);
    await expect(issuer.issueAccessToken(subject, { lifetimeSeconds: 601 })).rejects.toThrow(RangeError);
    await expect(issuer.issueAccessToken(subject, { lifetimeSeconds: 0 })).rejects.toThrow(RangeError);
  });

  it('refuses a subject that is not an agency code', async () => {
    await expect(issuer.issueAccessToken({ ...subject, agencyId: 'admin' })).rejects.toThrow(RangeError);
  });
});

describe('AccessTokenVerifier', () => {
  it('returns the agency and its grants', async () => {
    const { token, jti } = await issuer.issueAccessToken(subject);
    await expect(verifier.verify(token)).resolves.toEqual({
      agencyId: AGENCY_A,
      roles: ['schema-admin'],
      grants: subject.grants,
      jti,
      kid: keyring.activeKey().kid,
      issuedAt: clock.seconds,
      expiresAt: clock.seconds + 300,
    });
  });

  it('checks a reused token once: the second verification does not call jose', async () => {
    const onSignatureCheck = jest.fn();
    verifier = new AccessTokenVerifier(keyring, {
      issuer: ISSUER,
      audience: AUDIENCE,
      now: clock.now,
      onSignatureCheck,
    });
    const { token } = await issuer.issueAccessToken(subject);
    const first = await verifier.verify(token);
    clock.advance(10);
    const second = await verifier.verify(token);
    expect(second).toBe(first);
    expect(onSignatureCheck).toHaveBeenCalledTimes(1);
    expect(verifier.stats()).toEqual({ signatureChecks: 1, cacheHits: 1, cacheSize: 1 });
  });

  it('hands out results nobody can alter', async () => {
    const { token } = await issuer.issueAccessToken(subject);
    const result = await verifier.verify(token);
    expect(Object.isFrozen(result)).toBe(true);
    expect(Object.isFrozen(result.grants.publish)).toBe(true);
  });

  it('refuses a cached token once it has expired', async () => {
    const { token } = await issuer.issueAccessToken(subject, { lifetimeSeconds: 60 });
    await verifier.verify(token);
    clock.advance(60 + 30);
    expect(await verify(token)).toBe('token-expired');
    expect(verifier.stats().cacheSize).toBe(0);
  });

  it('keeps at most maxCacheEntries tokens, dropping the least recently used', async () => {
    verifier = new AccessTokenVerifier(keyring, {
      issuer: ISSUER,
      audience: AUDIENCE,
      now: clock.now,
      maxCacheEntries: 2,
    });
    const [a, b, c] = await Promise.all([1, 2, 3].map(() => issuer.issueAccessToken(subject)));
    await verifier.verify(a!.token);
    await verifier.verify(b!.token);
    await verifier.verify(a!.token);
    await verifier.verify(c!.token);
    expect(verifier.stats()).toEqual({ signatureChecks: 3, cacheHits: 1, cacheSize: 2 });
    await verifier.verify(a!.token);
    expect(verifier.stats().signatureChecks).toBe(3);
    await verifier.verify(b!.token);
    expect(verifier.stats().signatureChecks).toBe(4);
  });

  it('never caches a refused token', async () => {
    const token = flipSignatureByte((await issuer.issueAccessToken(subject)).token);
    expect(await verify(token)).toBe('signature-invalid');
    expect(await verify(token)).toBe('signature-invalid');
    expect(verifier.stats()).toMatchObject({ signatureChecks: 2, cacheSize: 0 });
  });

  it('accepts a token forged by the test helper when it is well-formed (sanity check)', async () => {
    expect(await verify(forge())).toBe('accepted');
  });
});

describe('AccessTokenVerifier refuses', () => {
  it('a missing token, with no OAuth error code (RFC 6750 section 3.1)', async () => {
    const error = await trustError(verifier.verify(undefined));
    expect([error.reason, error.oauthError, error.code, problemStatus(error.code)]).toEqual([
      'missing',
      undefined,
      'invalid-token',
      401,
    ]);
  });

  it('a bad token as invalid_token', async () => {
    const error = await trustError(verifier.verify(forge({ iss: 'https://elsewhere.test' })));
    expect([error.reason, error.oauthError]).toEqual(['iss-mismatch', 'invalid_token']);
  });

  it('alg none', async () => {
    const token = `${b64url(JSON.stringify({ alg: 'none', kid: keyring.activeKey().kid, typ: 'at+jwt' }))}.${b64url(
      JSON.stringify({ iss: ISSUER, sub: AGENCY_A }),
    )}.`;
    expect(await verify(token)).toBe('alg-not-allowed');
  });

  it('HS256 keyed with the gateway public key', async () => {
    const publicJwk = JSON.stringify(keyring.publicJwks().keys[0]);
    const input = `${b64url(JSON.stringify({ alg: 'HS256', kid: keyring.activeKey().kid, typ: 'at+jwt' }))}.${b64url('{}')}`;
    expect(
      await verify(`${input}.${createHmac('sha256', publicJwk).update(input).digest('base64url')}`),
    ).toBe('alg-not-allowed');
  });

  it('a PS256 token (the gateway signs only ES256 and EdDSA)', async () => {
    expect(await verify(forge({}, { alg: 'PS256' }))).toBe('alg-not-allowed');
  });

  it('one flipped signature byte', async () => {
    expect(await verify(flipSignatureByte((await issuer.issueAccessToken(subject)).token))).toBe(
      'signature-invalid',
    );
  });

  it('an all-zero ECDSA signature', async () => {
    const [header, payload] = (await issuer.issueAccessToken(subject)).token.split('.');
    expect(await verify(`${header}.${payload}.${b64url(new Uint8Array(64))}`)).toBe('signature-invalid');
  });

  it('a token without typ', async () =>
    expect(await verify(forge({}, { typ: undefined }))).toBe('typ-invalid'));
  it('a token typed JWT', async () => expect(await verify(forge({}, { typ: 'JWT' }))).toBe('typ-invalid'));

  it('a receipt offered as an access token', async () => {
    const receipt = await new ReceiptSigner(keyring, { issuer: ISSUER, now: clock.now }).sign({
      messageId: randomUUID(),
      type: 'residence.registration',
      schemaVersion: 1,
      publisher: AGENCY_A,
      bodySha256: 'n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCgg',
      topic: 'lienthong.records.residence.registration',
      partition: 0,
      offset: '42',
      acceptedAt: new Date(clock.ms),
    });
    expect(await verify(receipt)).toBe('typ-invalid');
  });

  it('application/at+jwt is the same type', async () => {
    expect(await verify(forge({}, { typ: 'application/AT+JWT' }))).toBe('accepted');
  });

  it('a kid with a path', async () =>
    expect(await verify(forge({}, { kid: '../../etc/passwd' }))).toBe('kid-invalid'));
  it('a kid with SQL', async () =>
    expect(await verify(forge({}, { kid: "1' OR '1'='1" }))).toBe('kid-invalid'));
  it('a missing kid', async () => expect(await verify(forge({}, { kid: undefined }))).toBe('kid-missing'));
  it('a jku header', async () =>
    expect(await verify(forge({}, { jku: 'https://attacker.test/j' }))).toBe('header-not-allowed'));
  it('an x5u header', async () =>
    expect(await verify(forge({}, { x5u: 'https://attacker.test/c' }))).toBe('header-not-allowed'));
  it('an embedded jwk header', async () => {
    expect(await verify(forge({}, { jwk: keyring.publicJwks().keys[0] }))).toBe('header-not-allowed');
  });
  it('b64: false without crit (RFC 7797 section 6)', async () =>
    expect(await verify(forge({}, { b64: false }))).toBe('header-not-allowed'));
  it('an unknown crit', async () =>
    expect(await verify(forge({}, { crit: ['exp'] }))).toBe('crit-unsupported'));

  it('a token from another gateway keyring', async () => {
    const other = await GatewayKeyring.generate({ now: clock.now });
    const token = (
      await new AccessTokenIssuer(other, {
        issuer: ISSUER,
        audience: AUDIENCE,
        now: clock.now,
      }).issueAccessToken(subject)
    ).token;
    expect(await verify(token)).toBe('kid-unknown');
  });

  it('a token signed by another key under the gateway kid', async () => {
    const other = await GatewayKeyring.generate({ now: clock.now });
    const otherKey = createPrivateKey(await exportPKCS8(other.signingKey().key));
    const token = signCompact(
      { alg: 'ES256', kid: keyring.activeKey().kid, typ: 'at+jwt' },
      { iss: ISSUER },
      otherKey,
    );
    expect(await verify(token)).toBe('signature-invalid');
  });

  it('an EdDSA header on an ES256 key', async () => {
    expect(await verify(forge({}, { alg: 'EdDSA' }))).toBe('alg-key-mismatch');
  });

  it('an expired token', async () => {
    const { token } = await issuer.issueAccessToken(subject, { lifetimeSeconds: 60 });
    clock.advance(90);
    expect(await verify(token)).toBe('token-expired');
  });

  it('a token not valid yet', async () => {
    expect(await verify(forge({ nbf: clock.seconds + 120 }))).toBe('not-yet-valid');
  });

  it('a missing exp', async () => expect(await verify(forge({ exp: undefined }))).toBe('exp-missing'));
  it('a missing iat', async () => expect(await verify(forge({ iat: undefined }))).toBe('iat-missing'));
  it('an iat in the future', async () => {
    expect(await verify(forge({ iat: clock.seconds + 60, exp: clock.seconds + 120 }))).toBe('iat-in-future');
  });
  it('a lifetime over 10 minutes', async () => {
    expect(await verify(forge({ exp: clock.seconds + 3600 }))).toBe('lifetime-too-long');
  });
  it('a missing iss', async () => expect(await verify(forge({ iss: undefined }))).toBe('iss-missing'));
  it('a wrong iss', async () =>
    expect(await verify(forge({ iss: 'https://elsewhere.test' }))).toBe('iss-mismatch'));
  it('a wrong aud', async () =>
    expect(await verify(forge({ aud: 'https://elsewhere.test' }))).toBe('aud-mismatch'));
  it('a client_id that differs from sub', async () => {
    expect(await verify(forge({ client_id: '000.00.00.H31' }))).toBe('claim-invalid');
  });
  it('grants of the wrong shape', async () => {
    expect(await verify(forge({ lienthong: { roles: 'admin', publish: [], subscribe: [] } }))).toBe(
      'claim-invalid',
    );
  });
  it('a missing jti', async () => expect(await verify(forge({ jti: undefined }))).toBe('jti-missing'));

  it('two segments', async () => {
    const [header, payload] = forge().split('.');
    expect(await verify(`${header}.${payload}`)).toBe('malformed');
  });
  it('a non-base64url segment', async () => {
    const [, payload, signature] = forge().split('.');
    expect(await verify(`e30*.${payload}.${signature}`)).toBe('malformed');
  });
  it('a header that is not JSON', async () => {
    const [, payload, signature] = forge().split('.');
    expect(await verify(`${b64url('at+jwt')}.${payload}.${signature}`)).toBe('malformed');
  });
  it('claims that are not a JSON object', async () => {
    const token = signCompact(
      { alg: 'ES256', kid: keyring.activeKey().kid, typ: 'at+jwt' },
      '[1,2]',
      gatewayKey,
    );
    expect(await verify(token)).toBe('malformed');
  });
  it('an oversized token', async () => expect(await verify(`${'a'.repeat(16_385)}..`)).toBe('too-large'));
});

describe('access tokens across a key rotation', () => {
  it('signs new tokens with the new kid, still verifies old ones within the window, drops the key after', async () => {
    const before = await issuer.issueAccessToken(subject, { lifetimeSeconds: 600 });
    const oldKid = keyring.activeKey().kid;
    clock.advance(60);
    await keyring.rotate();
    const after = await issuer.issueAccessToken(subject);
    expect(after.kid).not.toBe(oldKid);
    expect(decodeProtectedHeader(after.token).kid).toBe(keyring.activeKey().kid);
    expect(await verify(before.token)).toBe('accepted');
    expect(await verify(after.token)).toBe('accepted');

    // A fresh verifier (no cache) past the window: the old key is gone from the key source.
    clock.advance(601);
    const fresh = new AccessTokenVerifier(keyring, { issuer: ISSUER, audience: AUDIENCE, now: clock.now });
    expect(await refusal(fresh.verify(before.token))).toBe('kid-unknown');
    expect(keyring.publicJwks().keys.map((k) => k.kid)).toEqual([after.kid]);
  });

  it('works with an EdDSA keyring', async () => {
    const ed = await GatewayKeyring.generate({ alg: 'EdDSA', now: clock.now });
    const { token } = await new AccessTokenIssuer(ed, {
      issuer: ISSUER,
      audience: AUDIENCE,
      now: clock.now,
    }).issueAccessToken(subject);
    expect(decodeProtectedHeader(token).alg).toBe('EdDSA');
    const edVerifier = new AccessTokenVerifier(ed, { issuer: ISSUER, audience: AUDIENCE, now: clock.now });
    await expect(edVerifier.verify(token)).resolves.toMatchObject({ agencyId: AGENCY_A });
  });
});
