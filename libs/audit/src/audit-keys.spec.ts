import { describe, expect, it } from '@jest/globals';
import { SignJWT, createLocalJWKSet, jwtVerify } from 'jose';
import {
  ACCESS_TOKEN_TYP,
  AccessTokenVerifier,
  GatewayKeyring,
  RECEIPT_TYP,
  TrustError,
  signCompactJws,
  verifyReceipt,
} from '@lienthong/trust';
import { AuditChain } from './audit-chain.js';
import { AUDIT_KEY_USE } from './audit-event.js';
import { AuditKeySet, AuditSigner } from './audit-keys.js';
import { verifyAuditLog } from './audit-verification.js';

const ISSUER = 'urn:lienthong:test';

/** A gateway whose JWKS publishes its token key and an audit key, as /.well-known/jwks.json does. */
async function gateway() {
  const tokens = await GatewayKeyring.generate();
  const auditKeyring = await GatewayKeyring.generate({ alg: 'EdDSA' });
  const audit = await AuditSigner.fromPrivateJwks(await auditKeyring.exportPrivateJwks());
  const jwks = { keys: [...tokens.publicJwks().keys, ...audit.publicJwks().keys] };
  return { tokens, auditKeyring, audit, jwks };
}

describe('audit keys are kept apart from token and receipt keys', () => {
  it('publishes audit keys with use lienthong-audit, Ed25519 only', async () => {
    const { audit, jwks } = await gateway();
    expect(audit.publicJwks().keys).toEqual([
      { kty: 'OKP', crv: 'Ed25519', x: expect.any(String), kid: audit.kid, alg: 'EdDSA', use: AUDIT_KEY_USE },
    ]);
    expect(new AuditKeySet(jwks).kids).toEqual([audit.kid]);
    // A rotated file: the new key signs, the earlier one stays published.
    const older = await GatewayKeyring.generate({ alg: 'EdDSA' });
    const newer = await GatewayKeyring.generate({ alg: 'EdDSA' });
    const rotated = await AuditSigner.fromPrivateJwks({
      keys: [...(await newer.exportPrivateJwks()).keys, ...(await older.exportPrivateJwks()).keys],
    });
    expect(rotated.kid).toBe(newer.activeKey().kid);
    expect(rotated.publicJwks().keys.map((k) => k.kid)).toEqual([
      newer.activeKey().kid,
      older.activeKey().kid,
    ]);
    const ec = await GatewayKeyring.generate();
    await expect(AuditSigner.fromPrivateJwks(await ec.exportPrivateJwks())).rejects.toThrow(
      /Ed25519|EdDSA|fit/,
    );
  });

  it('jose never selects an audit key for a JWT (RFC 7517 section 4.2 use)', async () => {
    const { auditKeyring, audit, jwks } = await gateway();
    const token = await new SignJWT({ sub: '000.00.00.G12', client_id: '000.00.00.G12' })
      .setProtectedHeader({ alg: 'EdDSA', kid: audit.kid, typ: ACCESS_TOKEN_TYP })
      .setIssuer(ISSUER)
      .setAudience(ISSUER)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(auditKeyring.signingKey().key);
    await expect(jwtVerify(token, createLocalJWKSet(jwks), { issuer: ISSUER })).rejects.toMatchObject({
      code: 'ERR_JWKS_NO_MATCHING_KEY',
    });
    // The same key under use: sig would have verified: the use is what keeps it out.
    const asSig = { keys: jwks.keys.map((k) => (k.kid === audit.kid ? { ...k, use: 'sig' } : k)) };
    await expect(jwtVerify(token, createLocalJWKSet(asSig), { issuer: ISSUER })).resolves.toBeDefined();
  });

  it("the gateway's token verifier and the receipt verifier refuse what an audit key signed", async () => {
    const { tokens, auditKeyring, audit, jwks } = await gateway();
    const now = Math.floor(Date.now() / 1000);
    const token = await signCompactJws(
      { alg: 'EdDSA', kid: audit.kid, typ: ACCESS_TOKEN_TYP },
      JSON.stringify({
        iss: ISSUER,
        aud: ISSUER,
        sub: '000.00.00.G12',
        client_id: '000.00.00.G12',
        iat: now,
        exp: now + 60,
        jti: 'x',
      }),
      auditKeyring.signingKey().key,
    );
    const verifier = new AccessTokenVerifier(tokens, { issuer: ISSUER, audience: ISSUER });
    await expect(verifier.verify(token)).rejects.toBeInstanceOf(TrustError);
    const receipt = await signCompactJws(
      { alg: 'EdDSA', kid: audit.kid, typ: RECEIPT_TYP },
      JSON.stringify({ iss: ISSUER, iat: now }),
      auditKeyring.signingKey().key,
    );
    await expect(verifyReceipt(receipt, jwks)).rejects.toMatchObject({ reason: 'jwks-invalid' });
  });

  it('the audit verifier refuses events signed by a token key, even one of the same JWKS', async () => {
    const { tokens, jwks } = await gateway();
    const tokenKeyAsAudit = await AuditSigner.fromPrivateJwks(
      await (await GatewayKeyring.generate({ alg: 'EdDSA' })).exportPrivateJwks(),
    );
    const event = new AuditChain(tokenKeyAsAudit, 'w').next(0, {
      kind: 'delivered',
      messageId: 'm',
      at: new Date().toISOString(),
    });
    const published = {
      keys: [...jwks.keys, ...tokenKeyAsAudit.publicJwks().keys.map((k) => ({ ...k, use: 'sig' }))],
    };
    const report = verifyAuditLog([{ partition: 0, offset: '0', value: JSON.stringify(event) }], {
      jwks: published,
    });
    expect(report.findings.map((f) => f.code)).toEqual(['unknown-key']);
    expect(tokens.publicJwks().keys.every((k) => k.use === 'sig')).toBe(true);
  });
});
