import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { CatalogueFixture } from '../../../../test/support/catalogue-fixtures.util.js';
import { readCatalogueFixtures } from '../../../../test/support/catalogue-fixtures.util.js';
import type { RealGatewaySetup } from '../testing/real-gateway.util.js';
import { startRealGateway } from '../testing/real-gateway.util.js';

const TYPE = 'enterprise.registration';

describe('lienthong validate (against a real gateway)', () => {
  let g: RealGatewaySetup;
  let fixture: CatalogueFixture;

  beforeAll(async () => {
    g = await startRealGateway();
    fixture = readCatalogueFixtures().find((f) => f.type === TYPE)!;
  });
  afterAll(() => g?.close());
  beforeEach(() => {
    g.reset();
    g.ctx.file('ok.json', JSON.stringify(fixture.ok[0], null, 2));
    g.ctx.file(
      'email.json',
      JSON.stringify(fixture.notOk.find((c) => c.name.endsWith('/email-invalid.json'))!.payload),
    );
  });

  it('says a valid record is valid (exit 0), against the version publish would use', async () => {
    expect(await g.run('validate', TYPE, 'ok.json', ...g.operator)).toBe(0);
    expect(g.ctx.err).toBe('');
    expect(g.ctx.out).toBe(`Valid: the record matches ${TYPE} schema version ${fixture.version}.\n`);
    g.reset();
    expect(
      await g.run('validate', TYPE, 'ok.json', '--version', String(fixture.version), ...g.operator, '--json'),
    ).toBe(0);
    expect(JSON.parse(g.ctx.out)).toEqual({
      valid: true,
      type: TYPE,
      schemaVersion: fixture.version,
      errors: [],
    });
  });

  it("lists the gateway's failing pointers for every not-ok record of the catalogue (exit 1)", async () => {
    for (const c of fixture.notOk) {
      g.reset();
      g.ctx.file('record.json', JSON.stringify(c.payload));
      expect(await g.run('validate', TYPE, 'record.json', ...g.operator, '--json')).toBe(1);
      const verdict = JSON.parse(g.ctx.out) as {
        valid: boolean;
        errors: { pointer: string; messageVi?: string }[];
      };
      expect({
        name: c.name,
        valid: verdict.valid,
        pointers: [...new Set(verdict.errors.map((e) => e.pointer))].sort(),
      }).toEqual({
        name: c.name,
        valid: false,
        pointers: [...c.expectedPointers].sort(),
      });
      expect(verdict.errors.every((e) => typeof e.messageVi === 'string')).toBe(true);
      expect(g.ctx.err).toBe('lienthong: the record is not valid: publishing it would be refused\n');
    }
  });

  it('prints the pointers in the language asked for', async () => {
    expect(await g.run('validate', TYPE, 'email.json', ...g.operator)).toBe(1);
    expect(g.ctx.out).toMatch(
      new RegExp(
        `^Invalid \\(validation-failed\\): 1 problem\\(s\\) against ${TYPE} schema version \\d+\\.\\n  /email: .+ \\[format\\]\\n$`,
      ),
    );
    g.reset({ LANG: 'vi_VN.UTF-8' });
    expect(await g.run('validate', TYPE, 'email.json', ...g.operator)).toBe(1);
    expect(g.ctx.out).toMatch(/^Không hợp lệ \(validation-failed\): 1 lỗi so với lược đồ /);
    expect(g.ctx.err).toBe('lienthong: bản ghi không hợp lệ: cổng sẽ từ chối nếu gửi\n');
  });

  it('judges JSON as the gateway parses it: a repeated member is refused', async () => {
    g.ctx.file('twice.json', '{"enterpriseCode": "0318765434", "enterpriseCode": "0318765435"}');
    expect(await g.run('validate', TYPE, 'twice.json', ...g.operator, '--json')).toBe(1);
    expect(JSON.parse(g.ctx.out)).toMatchObject({ valid: false, code: 'duplicate-json-key' });
    g.reset();
    g.ctx.file('broken.json', '{');
    expect(await g.run('validate', TYPE, 'broken.json', ...g.operator)).toBe(1);
    expect(g.ctx.out).toContain('Invalid (malformed-json)');
  });

  it('reports gateway refusals (exit 1): an unknown type, an unknown version', async () => {
    expect(await g.run('validate', 'tax.unknown-type', 'ok.json', ...g.operator)).toBe(1);
    expect(g.ctx.err).toMatch(/^lienthong: refused by the gateway: 404 unknown-type/);
    expect(g.ctx.out).toBe('');
    g.reset();
    expect(await g.run('validate', TYPE, 'ok.json', '--version', '99', ...g.operator)).toBe(1);
    expect(g.ctx.err).toMatch(/^lienthong: refused by the gateway: 404 unknown-schema-version/);
  });

  it.each([
    [['validate', TYPE, 'absent.json'], /cannot read record file absent\.json: no such file/],
    [['validate', TYPE, 'ok.json', '--version', 'latest'], /--version latest is not a positive whole number/],
    [['validate', 'Enterprise', 'ok.json'], /"Enterprise" is not a message type/],
    [['validate', TYPE], /validate takes TYPE FILE; got enterprise\.registration/],
    [['validate', TYPE, 'ok.json', '--schema', '1'], /Unknown option '--schema'/],
  ])('refuses %j as a usage error (exit 2), nothing sent', async (argv, message) => {
    expect(await g.run(...argv, ...g.operator)).toBe(2);
    expect(g.ctx.err).toMatch(message);
    expect(g.ctx.out).toBe('');
  });
});
