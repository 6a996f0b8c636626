import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { randomAgencyId } from '../../../../test/support/agencies.util.js';
import type { RealGatewaySetup } from '../testing/real-gateway.util.js';
import { startRealGateway } from '../testing/real-gateway.util.js';

const TYPE = 'enterprise.registration';
const SINCE = '2026-11-28T08:00:00+07:00';

describe('lienthong replay and redrive (against a real gateway)', () => {
  let g: RealGatewaySetup;
  /** `--gateway … --agency … --key …` of the subscriber. */
  let subscriber: string[];
  let id: string;

  beforeAll(async () => {
    g = await startRealGateway();
    const agency = randomAgencyId('S');
    expect(await g.run('keygen', '--agency', agency)).toBe(0);
    g.reset();
    const created = await g.run(
      'agency',
      'create',
      '--id',
      agency,
      '--name',
      'Sở Tư pháp nhận dữ liệu',
      '--roles',
      'subscriber',
      '--jwks',
      `${agency}.public.jwks.json`,
      '--grant',
      `subscribe:${TYPE}`,
      ...g.operator,
    );
    expect(g.ctx.err).toBe('');
    expect(created).toBe(0);
    subscriber = [...g.target, '--agency', agency, '--key', `${agency}.private.jwk.json`];
    g.reset();
    expect(await g.run('subscribe', 'create', '--type', TYPE, ...subscriber, '--json')).toBe(0);
    id = (JSON.parse(g.ctx.out) as { id: string }).id;
  });
  afterAll(() => g?.close());
  beforeEach(() => g.reset());

  it('asks for a replay since a time and prints the accepted command (exit 0)', async () => {
    expect(await g.run('replay', id, '--since', SINCE, ...subscriber)).toBe(0);
    expect(g.ctx.err).toBe('');
    expect(g.ctx.out).toMatch(
      new RegExp(
        `^Replay accepted for subscription ${id}: the router re-delivers every matching record accepted since 2026-11-28T01:00:00\\.000Z\\.\\n  command +[0-9a-f-]{36}\\n  requested +\\S+\\n`,
      ),
    );
    expect(g.ctx.out).toMatch(/header lienthong-command: [0-9a-f-]{36}\.\n$/);
    g.reset();
    expect(await g.run('replay', id, '--since', SINCE, ...subscriber, '--json')).toBe(0);
    expect(JSON.parse(g.ctx.out)).toMatchObject({
      kind: 'replay',
      subscriptionId: id,
      since: '2026-11-28T01:00:00.000Z',
    });
  });

  it('asks for a redrive, with or without --since, in the language asked for', async () => {
    expect(await g.run('redrive', id, ...subscriber, '--json')).toBe(0);
    const accepted = JSON.parse(g.ctx.out) as Record<string, unknown>;
    expect(accepted).toMatchObject({ kind: 'redrive', subscriptionId: id });
    expect(accepted['since']).toBeUndefined();
    g.reset();
    expect(await g.run('redrive', id, '--since', SINCE, ...subscriber, '--lang', 'vi')).toBe(0);
    expect(g.ctx.out).toMatch(
      new RegExp(
        `^Đã chấp nhận yêu cầu chuyển lại cho đăng ký ${id}: .+ từ 2026-11-28T01:00:00\\.000Z\\.\\n  mã lệnh `,
      ),
    );
  });

  it('reports gateway refusals as problem details (exit 1)', async () => {
    expect(await g.run('replay', id, '--since', '2999-01-01T00:00:00Z', ...subscriber)).toBe(1);
    expect(g.ctx.err).toMatch(/^lienthong: refused by the gateway: 422 invalid-subscription-request/);
    expect(g.ctx.err).toContain('  /since: is in the future');
    expect(g.ctx.out).toBe('');
    g.reset();
    expect(await g.run('replay', randomUUID(), '--since', SINCE, ...subscriber)).toBe(1);
    expect(g.ctx.err).toMatch(/^lienthong: refused by the gateway: 404 /);
    g.reset();
    expect(await g.run('redrive', randomUUID(), ...subscriber)).toBe(1);
    expect(g.ctx.err).toMatch(/^lienthong: refused by the gateway: 404 /);
  });

  it.each([
    [['replay', 'x'], /missing --since TIME/],
    [
      ['replay', 'x', '--since', '2026-11-28'],
      /--since 2026-11-28 is not an RFC 3339 date-time with a time zone/,
    ],
    [['replay', 'x', '--since', '2026-11-28T08:00:00'], /is not an RFC 3339 date-time with a time zone/],
    [['replay', 'x', '--since', SINCE, '--until', SINCE], /Unknown option '--until'/],
    [['replay', '../agencies', '--since', SINCE], /"\.\.\/agencies" is not a subscription id/],
    [['redrive', 'x', '--since', 'yesterday'], /--since yesterday is not an RFC 3339 date-time/],
    [['redrive'], /redrive takes ID; got none/],
  ])('refuses %j as a usage error (exit 2), nothing sent', async (argv, message) => {
    expect(await g.run(...argv, ...subscriber)).toBe(2);
    expect(g.ctx.err).toMatch(message);
    expect(g.ctx.out).toBe('');
  });
});
