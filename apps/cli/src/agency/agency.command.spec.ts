import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { randomAgencyId } from '../../../../test/support/agencies.util.js';
import type { RealGatewaySetup } from '../testing/real-gateway.util.js';
import { startRealGateway } from '../testing/real-gateway.util.js';

const TYPE = 'residence.registration';

describe('lienthong agency, grant and revoke (against a real gateway)', () => {
  let g: RealGatewaySetup;
  beforeAll(async () => {
    g = await startRealGateway();
  });
  afterAll(() => g?.close());
  beforeEach(() => g.reset());

  /** keygen for a new agency id; returns the id and its kid. */
  const keygen = async (
    agency = randomAgencyId('C'),
    out = '.',
  ): Promise<{ agency: string; kid: string }> => {
    g.reset();
    expect(await g.run('keygen', '--agency', agency, '--out', out, '--json')).toBe(0);
    const { kid } = JSON.parse(g.ctx.out) as { kid: string };
    g.reset();
    return { agency, kid };
  };
  const json = (): Record<string, unknown> => JSON.parse(g.ctx.out) as Record<string, unknown>;
  const token = (agency: string, key = `${agency}.private.jwk.json`) =>
    g.run('token', ...g.target, '--agency', agency, '--key', key);

  it('takes an agency through its life: create, show, list, suspend, reactivate, grant, revoke', async () => {
    const { agency, kid } = await keygen();
    const created = await g.run(
      'agency',
      'create',
      '--id',
      agency,
      '--name',
      'Sở Tư pháp thử nghiệm',
      '--roles',
      'publisher,subscriber',
      '--jwks',
      `${agency}.public.jwks.json`,
      '--grant',
      `subscribe:${TYPE}`,
      '--grant',
      `publish:${TYPE}`,
      ...g.operator,
    );
    expect(g.ctx.err).toBe('');
    expect(created).toBe(0);
    expect(g.ctx.out).toMatch(new RegExp(`^Agency ${agency.replace(/\./g, '\\.')} created\\.\n`));
    expect(g.ctx.out).toMatch(/ {2}name {5}Sở Tư pháp thử nghiệm\n/);
    expect(g.ctx.out).toContain(`  roles    publisher, subscriber\n`);
    expect(g.ctx.out).toContain(`  keys     ${kid} ES256 active\n`);
    expect(g.ctx.out).toContain(`  grants   publish: ${TYPE}\n           subscribe: ${TYPE}\n`);

    g.reset();
    expect(await g.run('agency', 'show', agency, ...g.operator, '--json')).toBe(0);
    expect(json()).toMatchObject({
      id: agency,
      status: 'active',
      roles: ['publisher', 'subscriber'],
      keys: [{ kid, status: 'active' }],
      grants: { publish: [TYPE], subscribe: [TYPE], 'subscribe-personal-data': [] },
    });

    g.reset();
    expect(await g.run('agency', 'list', ...g.operator)).toBe(0);
    expect(g.ctx.out).toMatch(/^ID +STATUS +ROLES +NAME\n/);
    expect(g.ctx.out).toMatch(
      new RegExp(`\n${agency.replace(/\./g, '\\.')} +active +publisher,subscriber +Sở Tư pháp`),
    );
    g.reset();
    expect(await g.run('agency', 'list', ...g.operator, '--json')).toBe(0);
    expect((JSON.parse(g.ctx.out) as { id: string }[]).map((a) => a.id)).toContain(agency);

    g.reset();
    expect(await g.run('agency', 'suspend', agency, ...g.operator)).toBe(0);
    expect(g.ctx.out).toContain(`Agency ${agency} suspended`);
    expect(g.ctx.out).toContain('  status   suspended\n');
    g.reset();
    expect(await token(agency)).toBe(1);
    expect(g.ctx.err).toContain('400 unauthorized_client');

    g.reset();
    expect(await g.run('agency', 'reactivate', agency, ...g.operator)).toBe(0);
    expect(g.ctx.out).toContain(`Agency ${agency} is active again.`);
    g.reset();
    expect(await token(agency)).toBe(0);

    g.reset();
    expect(await g.run('revoke', agency, 'publish', TYPE, ...g.operator)).toBe(0);
    expect(g.ctx.out).toContain(`Agency ${agency} no longer holds publish on ${TYPE}.`);
    expect(g.ctx.out).toContain(`  grants   subscribe: ${TYPE}\n  updated`);
    g.reset();
    expect(await g.run('grant', agency, 'subscribe-personal-data', TYPE, ...g.operator, '--json')).toBe(0);
    expect(json()['grants']).toEqual({ publish: [], subscribe: [TYPE], 'subscribe-personal-data': [TYPE] });
  });

  it('rotates a key: add-key, then revoke-key the old one, which no longer gets a token', async () => {
    const { agency, kid: oldKid } = await keygen();
    expect(
      await g.run(
        'agency',
        'create',
        '--id',
        agency,
        '--name',
        'Cơ quan xoay khóa',
        '--roles',
        'publisher',
        '--jwks',
        `${agency}.public.jwks.json`,
        ...g.operator,
      ),
    ).toBe(0);
    const { kid: newKid } = await keygen(agency, 'new');
    expect(
      await g.run('agency', 'add-key', agency, '--jwks', `new/${agency}.public.jwks.json`, ...g.operator),
    ).toBe(0);
    expect(g.ctx.out).toContain(`Agency ${agency} now has the key(s) ${newKid}.`);
    expect(g.ctx.out).toContain(`  keys     ${oldKid} ES256 active\n           ${newKid} ES256 active\n`);
    g.reset();
    expect(await g.run('agency', 'revoke-key', agency, oldKid, ...g.operator)).toBe(0);
    expect(g.ctx.out).toContain(`Key ${oldKid} of agency ${agency} revoked`);
    expect(g.ctx.out).toContain(`${oldKid} ES256 revoked`);
    g.reset();
    expect(await token(agency)).toBe(1);
    expect(g.ctx.err).toContain('401 invalid_client');
    g.reset();
    expect(await token(agency, `new/${agency}.private.jwk.json`)).toBe(0);
  });

  it('reports gateway refusals as problem details, exit 1', async () => {
    const unknown = randomAgencyId('Z');
    expect(await g.run('agency', 'show', unknown, ...g.operator)).toBe(1);
    expect(g.ctx.err).toMatch(/^lienthong: refused by the gateway: 404 unknown-agency/);
    expect(g.ctx.out).toBe('');

    g.reset();
    expect(await g.run('grant', unknown, 'subscribe', TYPE, ...g.operator)).toBe(1);
    expect(g.ctx.err).toContain('404 unknown-agency');

    g.reset();
    const { agency } = await keygen();
    const create = (name: string) =>
      g.run(
        'agency',
        'create',
        '--id',
        agency,
        '--name',
        name,
        '--roles',
        'subscriber',
        '--jwks',
        `${agency}.public.jwks.json`,
        ...g.operator,
      );
    expect(await create('x'.repeat(201))).toBe(1);
    expect(g.ctx.err).toContain('422 invalid-agency-request');
    expect(g.ctx.err).toContain('  /name: must be 1..200 characters');
    g.reset();
    expect(await create('Cơ quan trùng mã')).toBe(0);
    g.reset();
    expect(await create('Cơ quan trùng mã')).toBe(1);
    expect(g.ctx.err).toContain('409 agency-exists');

    // An agency that is not an operator is told so.
    g.reset();
    expect(
      await g.run('agency', 'list', ...g.target, '--agency', agency, '--key', `${agency}.private.jwk.json`),
    ).toBe(1);
    expect(g.ctx.err).toContain('403 forbidden');
  });

  it.each([
    [
      ['agency', 'create', '--id', 'g.01', '--name', 'n', '--roles', 'publisher'],
      /--id g\.01 is not an agency code/,
    ],
    [
      ['agency', 'create', '--id', '000.00.00.G97', '--name', 'n', '--roles', 'publisher,boss'],
      /--roles publisher,boss must list roles/,
    ],
    [
      [
        'agency',
        'create',
        '--id',
        '000.00.00.G97',
        '--name',
        'n',
        '--roles',
        'publisher',
        '--grant',
        'read:a.b',
      ],
      /--grant read:a\.b is not RIGHT:TYPE/,
    ],
    [['agency', 'create', '--id', '000.00.00.G97', '--roles', 'publisher'], /missing --name NAME/],
    [
      [
        'agency',
        'create',
        '--id',
        '000.00.00.G97',
        '--name',
        'n',
        '--roles',
        'publisher',
        '--jwks',
        'absent.json',
      ],
      /cannot read JWK Set absent\.json: no such file/,
    ],
    [
      [
        'agency',
        'create',
        '--id',
        '000.00.00.G97',
        '--name',
        'n',
        '--roles',
        'publisher',
        '--jwks',
        'operator.private.jwk.json',
      ],
      /holds a private key \(member "d"\)/,
    ],
    [
      [
        'agency',
        'create',
        '--id',
        '000.00.00.G97',
        '--name',
        'n',
        '--roles',
        'publisher',
        '--jwks',
        'list.json',
      ],
      /list\.json is neither a JWK Set/,
    ],
    [
      [
        'agency',
        'create',
        '--id',
        '000.00.00.G97',
        '--name',
        'n',
        '--roles',
        'publisher',
        '--jwks',
        'p384.json',
      ],
      /p384\.json would be refused by the gateway/,
    ],
    [['agency', 'show', 'G/../x'], /ID G\/\.\.\/x is not an agency code/],
    [['agency', 'show'], /agency show takes ID; got none/],
    [['agency', 'revoke-key', '000.00.00.G97', 'a kid'], /"a kid" is not a key id/],
    [['agency', 'add-key', '000.00.00.G97'], /missing --jwks FILE/],
    [
      ['grant', '000.00.00.G97', 'read', TYPE],
      /read is not a right; use one of publish, subscribe, subscribe-personal-data/,
    ],
    [['revoke', '000.00.00.G97', 'publish', 'Residence'], /"Residence" is not a message type/],
    [['agency', 'rename', 'x'], /unknown action "rename" of agency/],
  ])('refuses %j as a usage error (exit 2), nothing sent', async (argv, message) => {
    g.ctx.file('list.json', '[1, 2]');
    g.ctx.file(
      'p384.json',
      JSON.stringify({ keys: [{ kty: 'EC', crv: 'P-384', kid: 'x', x: 'AA', y: 'AA' }] }),
    );
    expect(await g.run(...argv, ...g.operator)).toBe(2);
    expect(g.ctx.err).toMatch(message);
    expect(g.ctx.out).toBe('');
  });

  it('lists its actions with --help, and without an action (exit 2)', async () => {
    expect(await g.run('agency', '--help')).toBe(0);
    expect(g.ctx.out).toContain('Usage: lienthong agency <action>');
    for (const action of ['create', 'show', 'list', 'suspend', 'reactivate', 'add-key', 'revoke-key']) {
      expect(g.ctx.out).toContain(`  ${action} `);
    }
    g.reset();
    expect(await g.run('agency')).toBe(2);
    expect(g.ctx.err).toContain('Actions:');
    g.reset();
    expect(await g.run('agency', 'create', '--help')).toBe(0);
    expect(g.ctx.out).toContain('--grant RIGHT:TYPE');
    expect(g.ctx.out).toContain('(may be repeated)');
  });

  it('speaks Vietnamese with --lang vi', async () => {
    const { agency } = await keygen();
    expect(
      await g.run(
        'agency',
        'create',
        '--id',
        agency,
        '--name',
        'Sở Nội vụ',
        '--roles',
        'subscriber',
        '--jwks',
        `${agency}.public.jwks.json`,
        ...g.operator,
        '--lang',
        'vi',
      ),
    ).toBe(0);
    expect(g.ctx.out).toContain(`Đã tạo cơ quan ${agency}.`);
    expect(g.ctx.out).toContain('  trạng thái  đang hoạt động\n');
    g.reset({ LANG: 'vi_VN.UTF-8' });
    expect(await g.run('grant', agency, 'read', TYPE, ...g.operator)).toBe(2);
    expect(g.ctx.err).toContain('read không phải là một quyền');
    // The gateway is asked for its problem details in Vietnamese too.
    g.reset();
    expect(await g.run('agency', 'show', randomAgencyId('Z'), ...g.operator, '--lang', 'vi')).toBe(1);
    expect(g.ctx.err).toMatch(
      /^lienthong: cổng từ chối yêu cầu: 404 unknown-agency \(.*[àáảãạăâđêôơư].*\)\n/,
    );
    expect(readFileSync(join(g.ctx.cwd, `${agency}.public.jwks.json`), 'utf8')).toContain('"keys"');
  });
});
