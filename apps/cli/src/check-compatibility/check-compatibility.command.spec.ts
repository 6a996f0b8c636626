import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { RealGatewaySetup } from '../testing/real-gateway.util.js';
import { startRealGateway } from '../testing/real-gateway.util.js';

const TYPE = 'enterprise.registration';
const REGISTERED = JSON.parse(readFileSync(`schemas/${TYPE}/v1.schema.json`, 'utf8')) as {
  properties: Record<string, Record<string, unknown>>;
};
/** Version 1 with the charter capital's maximum tightened: not backward compatible. */
const TIGHTENED = {
  ...REGISTERED,
  properties: {
    ...REGISTERED.properties,
    charterCapital: { ...REGISTERED.properties['charterCapital'], maximum: 1000 },
  },
};

describe('lienthong check-compatibility (against a real gateway)', () => {
  let g: RealGatewaySetup;

  beforeAll(async () => {
    g = await startRealGateway();
  });
  afterAll(() => g?.close());
  beforeEach(() => {
    g.reset();
    g.ctx.file('same.json', JSON.stringify(REGISTERED));
    g.ctx.file('tightened.json', JSON.stringify(TIGHTENED));
  });

  it('says a compatible schema is compatible (exit 0), under the type’s level', async () => {
    expect(await g.run('check-compatibility', TYPE, 'same.json', ...g.operator)).toBe(0);
    expect(g.ctx.err).toBe('');
    expect(g.ctx.out).toBe(
      `Compatible: the schema may be registered as the next version of ${TYPE} (level BACKWARD).\n`,
    );
  });

  it('lists every reason of an incompatible schema (exit 1), in the language asked for', async () => {
    expect(await g.run('check-compatibility', TYPE, 'tightened.json', ...g.operator)).toBe(1);
    expect(g.ctx.out).toMatch(
      new RegExp(`^Not compatible with ${TYPE} under level BACKWARD: 1 reason\\(s\\)\\.\\n`),
    );
    expect(g.ctx.out).toMatch(
      /\n {2}\/properties\/charterCapital\S*: .+ \[maximum-tightened, against version 1\]\n$/,
    );
    expect(g.ctx.err).toBe(
      'lienthong: the schema is not compatible: registering it would be refused (409 schema-incompatible)\n',
    );
    g.reset();
    expect(
      await g.run('check-compatibility', TYPE, 'tightened.json', ...g.operator, '--json', '--lang', 'vi'),
    ).toBe(1);
    const report = JSON.parse(g.ctx.out) as {
      compatible: boolean;
      reasons: { rule: string; message: string }[];
    };
    expect(report).toMatchObject({
      compatible: false,
      level: 'BACKWARD',
      reasons: [{ rule: 'maximum-tightened' }],
    });
    g.reset({ LANG: 'vi_VN.UTF-8' });
    expect(await g.run('check-compatibility', TYPE, 'tightened.json', ...g.operator)).toBe(1);
    expect(g.ctx.out).toMatch(/^Không tương thích với enterprise\.registration ở mức BACKWARD: 1 lý do\.\n/);
    expect(g.ctx.out).toContain(report.reasons[0]!.message);
  });

  it('checks under --level, and takes a registration file as register-schema does', async () => {
    expect(
      await g.run('check-compatibility', TYPE, 'tightened.json', '--level', 'NONE', ...g.operator, '--json'),
    ).toBe(0);
    expect(JSON.parse(g.ctx.out)).toEqual({ compatible: true, level: 'NONE', reasons: [] });
    g.reset();
    g.ctx.file('registration.json', JSON.stringify({ schema: TIGHTENED, metadata: {} }));
    expect(await g.run('check-compatibility', TYPE, 'registration.json', ...g.operator)).toBe(1);
    expect(g.ctx.out).toContain('[maximum-tightened, against version 1]');
  });

  it('reports gateway refusals as problem details (exit 1)', async () => {
    g.ctx.file('no-schema.json', JSON.stringify({ schema: 5 }));
    expect(await g.run('check-compatibility', TYPE, 'no-schema.json', ...g.operator)).toBe(1);
    expect(g.ctx.err).toMatch(/^lienthong: refused by the gateway: 422 invalid-registry-request/);
    expect(g.ctx.err).toContain('/schema');
    expect(g.ctx.out).toBe('');
  });

  it.each([
    [['check-compatibility', TYPE, 'absent.json'], /cannot read schema file absent\.json: no such file/],
    [
      ['check-compatibility', TYPE, 'same.json', '--level', 'STRICT'],
      /--level STRICT is not a compatibility level; use one of BACKWARD, /,
    ],
    [['check-compatibility', 'Enterprise', 'same.json'], /"Enterprise" is not a message type/],
    [['check-compatibility', TYPE, 'array.json'], /schema file array\.json is not a JSON object/],
    [['check-compatibility', TYPE, 'broken.json'], /schema file broken\.json is not JSON/],
    [
      ['check-compatibility', TYPE],
      /check-compatibility takes TYPE SCHEMA_FILE; got enterprise\.registration/,
    ],
  ])('refuses %j as a usage error (exit 2), nothing sent', async (argv, message) => {
    g.ctx.file('array.json', '[]');
    g.ctx.file('broken.json', '{');
    expect(await g.run(...argv, ...g.operator)).toBe(2);
    expect(g.ctx.err).toMatch(message);
    expect(g.ctx.out).toBe('');
  });
});
