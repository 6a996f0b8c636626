import { createPrivateKey, randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, it } from '@jest/globals';
import { decodeJwt, decodeProtectedHeader, exportPKCS8 } from 'jose';
import { AccessTokenIssuer } from './access-token.js';
import { GatewayKeyring } from './gateway-keyring.js';
import type { ReceiptInput } from './receipt.js';
import { ReceiptSigner, sha256Base64url, verifyReceipt } from './receipt.js';
import {
  AGENCY_A,
  AUDIENCE,
  ISSUER,
  TestClock,
  b64url,
  flipSignatureByte,
  refusal,
  signCompact,
} from './test-fixtures.util.js';

const DAY = 24 * 3600;
const TYPE = 'residence.registration';
const body = Buffer.from('{"citizenId":"001099012345","hoTen":"Trần Văn Đức"}');
const otherBody = Buffer.from('{"citizenId":"001099012346","hoTen":"Lê Thị Hồng"}');

let clock: TestClock;
let keyring: GatewayKeyring;
let signer: ReceiptSigner;

beforeEach(async () => {
  clock = new TestClock();
  keyring = await GatewayKeyring.generate({
    now: clock.now,
    maxTokenLifetimeSeconds: 600,
    receiptRetentionSeconds: 7 * DAY,
  });
  signer = new ReceiptSigner(keyring, { issuer: ISSUER, now: clock.now });
});

/** The JWKS exactly as a client would have fetched it: plain JSON. */
const fetchedJwks = (): unknown => JSON.parse(JSON.stringify(keyring.publicJwks()));

function input(overrides: Partial<ReceiptInput> = {}): ReceiptInput {
  return {
    messageId: '01947d6e-8a4b-7c3d-9e2f-0123456789ab',
    type: TYPE,
    schemaVersion: 2,
    publisher: AGENCY_A,
    bodySha256: sha256Base64url(body),
    topic: `lienthong.records.${TYPE}`,
    partition: 3,
    offset: '9007199254740993',
    acceptedAt: new Date(clock.ms),
    ...overrides,
  };
}

describe('sha256Base64url', () => {
  it('is the unpadded base64url SHA-256', () => {
    expect(sha256Base64url(new Uint8Array())).toBe('47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU');
  });
});

describe('ReceiptSigner and verifyReceipt', () => {
  it('signs a receipt with the newest key, typed lienthong-receipt+jwt, and verifies it offline with the body', async () => {
    const receipt = await signer.sign(input());
    expect(decodeProtectedHeader(receipt)).toEqual({
      alg: 'ES256',
      kid: keyring.activeKey().kid,
      typ: 'lienthong-receipt+jwt',
    });
    expect(decodeJwt(receipt)).toEqual({
      iss: ISSUER,
      iat: clock.seconds,
      messageId: input().messageId,
      type: TYPE,
      schemaVersion: 2,
      publisher: AGENCY_A,
      bodySha256: sha256Base64url(body),
      topic: `lienthong.records.${TYPE}`,
      partition: 3,
      offset: '9007199254740993',
      acceptedAt: new Date(clock.ms).toISOString(),
    });
    const verified = await verifyReceipt(receipt, fetchedJwks(), { body, issuer: ISSUER });
    expect(verified).toMatchObject({
      kid: keyring.activeKey().kid,
      issuer: ISSUER,
      type: TYPE,
      schemaVersion: 2,
      publisher: AGENCY_A,
      batch: false,
      matched: { messageId: input().messageId, partition: 3, offset: '9007199254740993' },
    });
  });

  it('verifies without a body (signature only)', async () => {
    expect(await refusal(verifyReceipt(await signer.sign(input()), fetchedJwks()))).toBe('accepted');
  });

  it('signs a batch receipt over every record and finds a record by body or by message id', async () => {
    const ids = [randomUUID(), randomUUID()];
    const receipt = await signer.signBatch({
      type: TYPE,
      schemaVersion: 2,
      publisher: AGENCY_A,
      acceptedAt: new Date(clock.ms),
      records: [
        {
          messageId: ids[0]!,
          bodySha256: sha256Base64url(body),
          topic: `lienthong.records.${TYPE}`,
          partition: 0,
          offset: '10',
        },
        {
          messageId: ids[1]!,
          bodySha256: sha256Base64url(otherBody),
          topic: `lienthong.records.${TYPE}`,
          partition: 1,
          offset: '7',
        },
      ],
    });
    const byBody = await verifyReceipt(receipt, fetchedJwks(), { body: otherBody });
    expect(byBody.batch).toBe(true);
    expect(byBody.records).toHaveLength(2);
    expect(byBody.matched?.messageId).toBe(ids[1]);
    expect((await verifyReceipt(receipt, fetchedJwks(), { body, messageId: ids[0]! })).matched?.offset).toBe(
      '10',
    );
    expect(await refusal(verifyReceipt(receipt, fetchedJwks(), { body, messageId: ids[1]! }))).toBe(
      'body-mismatch',
    );
    expect(await refusal(verifyReceipt(receipt, fetchedJwks(), { body: Buffer.from('{}') }))).toBe(
      'body-mismatch',
    );
    expect(await refusal(verifyReceipt(receipt, fetchedJwks(), { messageId: randomUUID() }))).toBe(
      'message-id-unknown',
    );
  });

  it('refuses to sign a record with a malformed digest or offset', async () => {
    await expect(signer.sign(input({ bodySha256: 'abc' }))).rejects.toThrow(RangeError);
    await expect(signer.sign(input({ offset: '-1' }))).rejects.toThrow(RangeError);
    await expect(
      signer.signBatch({
        type: TYPE,
        schemaVersion: 1,
        publisher: AGENCY_A,
        acceptedAt: new Date(),
        records: [],
      }),
    ).rejects.toThrow(RangeError);
  });

  it('works with an EdDSA keyring', async () => {
    const ed = await GatewayKeyring.generate({ alg: 'EdDSA', now: clock.now });
    const receipt = await new ReceiptSigner(ed, { issuer: ISSUER, now: clock.now }).sign(input());
    const jwks: unknown = JSON.parse(JSON.stringify(ed.publicJwks()));
    await expect(verifyReceipt(receipt, jwks, { body })).resolves.toMatchObject({ alg: 'EdDSA' });
  });
});

describe('verifyReceipt refuses', () => {
  it('a missing receipt', async () =>
    expect(await refusal(verifyReceipt('', fetchedJwks()))).toBe('missing'));

  it('another body', async () => {
    expect(await refusal(verifyReceipt(await signer.sign(input()), fetchedJwks(), { body: otherBody }))).toBe(
      'body-mismatch',
    );
  });

  it('a body with one flipped byte', async () => {
    const flipped = Buffer.from(body);
    flipped[3] = flipped[3]! ^ 0x20;
    expect(await refusal(verifyReceipt(await signer.sign(input()), fetchedJwks(), { body: flipped }))).toBe(
      'body-mismatch',
    );
  });

  it('another message id', async () => {
    const receipt = await signer.sign(input());
    expect(await refusal(verifyReceipt(receipt, fetchedJwks(), { messageId: randomUUID() }))).toBe(
      'message-id-unknown',
    );
  });

  it('one flipped signature byte', async () => {
    expect(await refusal(verifyReceipt(flipSignatureByte(await signer.sign(input())), fetchedJwks()))).toBe(
      'signature-invalid',
    );
  });

  it('a receipt whose claims were rewritten', async () => {
    const [header, , signature] = (await signer.sign(input())).split('.');
    const forged = b64url(JSON.stringify({ ...decodeJwt(await signer.sign(input())), offset: '1' }));
    expect(await refusal(verifyReceipt(`${header}.${forged}.${signature}`, fetchedJwks()))).toBe(
      'signature-invalid',
    );
  });

  it('a receipt from another gateway', async () => {
    const other = await GatewayKeyring.generate({ now: clock.now });
    const receipt = await new ReceiptSigner(other, { issuer: ISSUER, now: clock.now }).sign(input());
    expect(await refusal(verifyReceipt(receipt, fetchedJwks()))).toBe('kid-unknown');
  });

  it('an access token offered as a receipt', async () => {
    const { token } = await new AccessTokenIssuer(keyring, {
      issuer: ISSUER,
      audience: AUDIENCE,
      now: clock.now,
    }).issueAccessToken({
      agencyId: AGENCY_A,
      roles: [],
      grants: { publish: [], subscribe: [] },
    });
    expect(await refusal(verifyReceipt(token, fetchedJwks()))).toBe('typ-invalid');
  });

  it('an unexpected issuer', async () => {
    const receipt = await signer.sign(input());
    expect(await refusal(verifyReceipt(receipt, fetchedJwks(), { issuer: 'https://elsewhere.test' }))).toBe(
      'iss-mismatch',
    );
  });

  it('a JWKS that is not one', async () => {
    const receipt = await signer.sign(input());
    expect(await refusal(verifyReceipt(receipt, null))).toBe('jwks-invalid');
    expect(await refusal(verifyReceipt(receipt, { keys: 'x' }))).toBe('jwks-invalid');
  });

  it('a JWKS key whose alg differs from the header', async () => {
    const receipt = await signer.sign(input());
    const jwks = { keys: keyring.publicJwks().keys.map((k) => ({ ...k, alg: 'EdDSA' })) };
    expect(await refusal(verifyReceipt(receipt, jwks))).toBe('alg-key-mismatch');
  });

  it('a JWKS with two keys under the same kid', async () => {
    const receipt = await signer.sign(input());
    const [k] = keyring.publicJwks().keys;
    expect(await refusal(verifyReceipt(receipt, { keys: [k, k] }))).toBe('jwks-invalid');
  });

  it('alg none', async () => {
    const token = `${b64url(JSON.stringify({ alg: 'none', kid: keyring.activeKey().kid, typ: 'lienthong-receipt+jwt' }))}.${b64url('{}')}.`;
    expect(await refusal(verifyReceipt(token, fetchedJwks()))).toBe('alg-not-allowed');
  });

  it('a jku header', async () => {
    const key = createPrivateKey(await exportPKCS8(keyring.signingKey().key));
    const token = signCompact(
      {
        alg: 'ES256',
        kid: keyring.activeKey().kid,
        typ: 'lienthong-receipt+jwt',
        jku: 'https://attacker.test/jwks',
      },
      { iss: ISSUER },
      key,
    );
    expect(await refusal(verifyReceipt(token, fetchedJwks()))).toBe('header-not-allowed');
  });

  it('signed claims of the wrong shape', async () => {
    const key = createPrivateKey(await exportPKCS8(keyring.signingKey().key));
    const token = signCompact(
      { alg: 'ES256', kid: keyring.activeKey().kid, typ: 'lienthong-receipt+jwt' },
      {
        iss: ISSUER,
        iat: clock.seconds,
        type: TYPE,
        schemaVersion: 1,
        publisher: AGENCY_A,
        acceptedAt: 'x',
        records: [{ offset: 1 }],
      },
      key,
    );
    expect(await refusal(verifyReceipt(token, fetchedJwks()))).toBe('claim-invalid');
  });

  it('malformed segments', async () => {
    const [header, payload] = (await signer.sign(input())).split('.');
    expect(await refusal(verifyReceipt(`${header}.${payload}`, fetchedJwks()))).toBe('malformed');
    expect(await refusal(verifyReceipt(`${b64url('nope')}.${payload}.AAAA`, fetchedJwks()))).toBe(
      'malformed',
    );
  });
});

describe('receipts across a key rotation', () => {
  it('a receipt signed before rotate() verifies against the new JWKS until the window ends', async () => {
    const receipt = await signer.sign(input());
    const oldKid = keyring.activeKey().kid;
    clock.advance(3600);
    await keyring.rotate();
    const newer = await signer.sign(input());
    expect(decodeProtectedHeader(newer).kid).toBe(keyring.activeKey().kid);
    expect(decodeProtectedHeader(newer).kid).not.toBe(oldKid);
    expect(await refusal(verifyReceipt(receipt, fetchedJwks(), { body }))).toBe('accepted');

    clock.advance(600 + 7 * DAY - 1);
    expect(await refusal(verifyReceipt(receipt, fetchedJwks(), { body }))).toBe('accepted');
    clock.advance(1);
    expect(await refusal(verifyReceipt(receipt, fetchedJwks(), { body }))).toBe('kid-unknown');
    expect(await refusal(verifyReceipt(newer, fetchedJwks(), { body }))).toBe('accepted');
  });
});
