import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { JWK } from 'jose';
import { calculateJwkThumbprint } from 'jose';
import { randomAgencyId } from '../../../../test/support/agencies.util.js';
import type { RealGatewaySetup } from '../testing/real-gateway.util.js';
import { startRealGateway } from '../testing/real-gateway.util.js';

describe('lienthong keygen (against a real gateway)', () => {
  let g: RealGatewaySetup;
  beforeAll(async () => {
    g = await startRealGateway();
  });
  afterAll(() => g?.close());
  beforeEach(() => g.reset());

  const read = (file: string): Record<string, unknown> =>
    JSON.parse(readFileSync(join(g.ctx.cwd, file), 'utf8')) as Record<string, unknown>;

  it.each(['ES256', 'EdDSA', 'PS256'])(
    'writes a %s private JWK with mode 0600 and kid = RFC 7638 thumbprint, and the public JWKS',
    async (alg) => {
      const agency = randomAgencyId('K');
      expect(await g.run('keygen', '--agency', agency, '--alg', alg, '--out', `keys-${alg}`)).toBe(0);
      const privateFile = join(`keys-${alg}`, `${agency}.private.jwk.json`);
      const publicFile = join(`keys-${alg}`, `${agency}.public.jwks.json`);
      expect(statSync(join(g.ctx.cwd, privateFile)).mode & 0o777).toBe(0o600);
      const privateJwk = read(privateFile) as JWK;
      const jwks = read(publicFile) as { keys: JWK[] };
      expect(jwks.keys).toHaveLength(1);
      const publicJwk = jwks.keys[0]!;
      expect(publicJwk).not.toHaveProperty('d');
      expect(privateJwk).toMatchObject({ kid: publicJwk.kid, alg, use: 'sig', d: expect.any(String) });
      expect(publicJwk).toMatchObject({ alg, use: 'sig' });
      expect(publicJwk.kid).toBe(await calculateJwkThumbprint(publicJwk, 'sha256'));
      // stdout is the public JWKS, ready to hand over; the notes are on stderr.
      expect(JSON.parse(g.ctx.out)).toEqual(jwks);
      expect(g.ctx.err).toContain('mode 0600');
    },
  );

  it('makes a key the gateway registers and `token` then accepts', async () => {
    const agency = randomAgencyId('K');
    expect(await g.run('keygen', '--agency', agency, '--json')).toBe(0);
    const made = JSON.parse(g.ctx.out) as { kid: string; privateKeyFile: string; jwks: unknown };
    expect(made).toMatchObject({ agency, alg: 'ES256', kid: expect.any(String) });
    const created = await fetch(`${g.gateway.url}/v1/agencies`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...g.gateway.operator.auth() },
      body: JSON.stringify({ id: agency, name: 'Sở thử nghiệm khóa', roles: ['publisher'], jwks: made.jwks }),
    });
    expect(created.status).toBe(201);
    g.reset();
    const key = `${agency}.private.jwk.json`;
    expect(await g.run('token', ...g.target, '--agency', agency, '--key', key)).toBe(0);
    expect(g.ctx.out).toMatch(/^ey[\w-]+\.[\w-]+\.[\w-]+\n$/);
  });

  it('refuses to overwrite an existing key file (exit 2), leaving both files as they were', async () => {
    const agency = randomAgencyId('K');
    writeFileSync(join(g.ctx.cwd, `${agency}.private.jwk.json`), 'precious');
    expect(await g.run('keygen', '--agency', agency)).toBe(2);
    expect(g.ctx.err).toContain('already exists; refusing to overwrite a key');
    expect(readFileSync(join(g.ctx.cwd, `${agency}.private.jwk.json`), 'utf8')).toBe('precious');
    expect(() => statSync(join(g.ctx.cwd, `${agency}.public.jwks.json`))).toThrow();

    const other = randomAgencyId('K');
    writeFileSync(join(g.ctx.cwd, `${other}.public.jwks.json`), '{}');
    expect(await g.run('keygen', '--agency', other)).toBe(2);
    expect(() => statSync(join(g.ctx.cwd, `${other}.private.jwk.json`))).toThrow();
    expect(g.ctx.out).toBe('');
  });

  it.each([
    [['keygen'], /missing --agency ID \(or set LIENTHONG_AGENCY\)/],
    [['keygen', '--agency', 'g.01'], /--agency g\.01 is not an agency code/],
    [
      ['keygen', '--agency', '000.00.00.G98', '--alg', 'RS256'],
      /--alg RS256 is not one of ES256, EdDSA, PS256/,
    ],
    [['keygen', '--agency', '000.00.00.G98', '--out', 'a-file/keys'], /cannot write .*a-file/],
    [['keygen', '--agency', '000.00.00.G98', '--lang', 'fr'], /--lang fr is not vi or en/],
  ])('refuses %j as a usage error (exit 2)', async (argv, message) => {
    writeFileSync(join(g.ctx.cwd, 'a-file'), '');
    expect(await g.run(...argv)).toBe(2);
    expect(g.ctx.err).toMatch(message);
    expect(g.ctx.out).toBe('');
  });

  it('speaks Vietnamese with --lang vi or a Vietnamese locale', async () => {
    mkdirSync(join(g.ctx.cwd, 'vi'), { recursive: true });
    expect(await g.run('keygen', '--agency', randomAgencyId('K'), '--out', 'vi', '--lang', 'vi')).toBe(0);
    expect(g.ctx.err).toContain('Đã ghi khóa bí mật vào');
    g.reset({ LANG: 'vi_VN.UTF-8' });
    expect(await g.run('keygen', '--agency', '000.00.00.G98', '--alg', 'RS256')).toBe(2);
    expect(g.ctx.err).toContain('không phải là một trong ES256, EdDSA, PS256');
    g.reset({ LC_ALL: 'C', LANG: 'vi_VN.UTF-8' });
    expect(await g.run('keygen', '--agency', '000.00.00.G98', '--alg', 'RS256')).toBe(2);
    expect(g.ctx.err).toContain('is not one of');
  });
});
