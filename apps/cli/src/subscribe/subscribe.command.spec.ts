import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { randomAgencyId } from '../../../../test/support/agencies.util.js';
import type { RealGatewaySetup } from '../testing/real-gateway.util.js';
import { startRealGateway } from '../testing/real-gateway.util.js';

const TYPE = 'enterprise.registration';
const PERSONAL = 'residence.registration';
const PURPOSE = [
  '--purpose-vi',
  'Giải quyết thủ tục chứng thực',
  '--purpose-en',
  'Certification procedures',
  '--legal-basis',
  'Nghị định 278/2025/NĐ-CP Điều 5 khoản 2',
];

describe('lienthong subscribe and dead-letters (against a real gateway)', () => {
  let g: RealGatewaySetup;
  let agency: string;
  /** `--gateway … --agency … --key …` of the subscriber. */
  let subscriber: string[];

  beforeAll(async () => {
    // A webhook on this machine, as with npm start; the refusal below uses a name that never resolves.
    g = await startRealGateway({ WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' });
    agency = randomAgencyId('S');
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
      '--grant',
      `subscribe:${PERSONAL}`,
      '--grant',
      `subscribe-personal-data:${PERSONAL}`,
      ...g.operator,
    );
    expect(g.ctx.err).toBe('');
    expect(created).toBe(0);
    subscriber = [...g.target, '--agency', agency, '--key', `${agency}.private.jwk.json`];
  });
  afterAll(() => g?.close());
  beforeEach(() => g.reset());

  const answer = (): Record<string, unknown> => JSON.parse(g.ctx.out) as Record<string, unknown>;
  const createKafka = async (): Promise<string> => {
    expect(await g.run('subscribe', 'create', '--type', TYPE, ...subscriber, '--json')).toBe(0);
    const id = answer()['id'] as string;
    g.reset();
    return id;
  };

  it('creates a Kafka subscription, shows, lists, pauses, resumes and deletes it', async () => {
    expect(await g.run('subscribe', 'create', '--type', TYPE, ...subscriber)).toBe(0);
    expect(g.ctx.err).toBe('');
    const id = /^Subscription (\S+) created\.\n/.exec(g.ctx.out)?.[1];
    expect(id).toBeDefined();
    expect(g.ctx.out).toContain(`  delivery  kafka lienthong.inbox.${agency}\n`);
    expect(g.ctx.out).toContain(`  types     ${TYPE}\n`);
    expect(g.ctx.out).toContain('  status    active\n');

    g.reset();
    expect(await g.run('subscribe', 'show', id!, ...subscriber, '--json')).toBe(0);
    expect(answer()).toMatchObject({
      id,
      agency,
      types: [TYPE],
      delivery: { mode: 'kafka', topic: `lienthong.inbox.${agency}` },
      status: 'active',
    });

    g.reset();
    expect(await g.run('subscribe', 'list', ...subscriber)).toBe(0);
    expect(g.ctx.out).toMatch(/^ID +STATUS +DELIVERY +TYPES\n/);
    expect(g.ctx.out).toMatch(new RegExp(`\n${id} +active +kafka lienthong\\.inbox\\.\\S+ +${TYPE}`));
    g.reset();
    expect(await g.run('subscribe', 'list', '--type', PERSONAL, ...subscriber, '--json')).toBe(0);
    expect((JSON.parse(g.ctx.out) as { id: string }[]).map((s) => s.id)).not.toContain(id);

    g.reset();
    expect(await g.run('subscribe', 'pause', id!, ...subscriber)).toBe(0);
    expect(g.ctx.out).toContain(`Subscription ${id} paused`);
    expect(g.ctx.out).toContain('  status    paused\n');
    g.reset();
    expect(await g.run('subscribe', 'resume', id!, ...subscriber, '--json')).toBe(0);
    expect(answer()['status']).toBe('active');

    g.reset();
    expect(await g.run('subscribe', 'delete', id!, ...subscriber)).toBe(0);
    expect(g.ctx.out).toBe(`Subscription ${id} deleted.\n`);
    g.reset();
    expect(await g.run('subscribe', 'show', id!, ...subscriber)).toBe(1);
    expect(g.ctx.err).toMatch(/^lienthong: refused by the gateway: 404 /);
  });

  it('creates a webhook subscription and shows its secret once, with a note to keep it', async () => {
    const url = 'http://127.0.0.1:9/lienthong';
    const code = await g.run('subscribe', 'create', '--type', TYPE, '--webhook', url, ...subscriber);
    expect(g.ctx.err).toBe('');
    expect(code).toBe(0);
    expect(g.ctx.out).toContain(`  delivery  webhook ${url}\n`);
    expect(g.ctx.out).toMatch(/ {2}secret {4}whsec_\S+\n/);
    expect(g.ctx.out).toContain('Keep the webhook secret now');
  });

  it('states purpose and legal basis for personal data; refused without them (exit 1)', async () => {
    expect(await g.run('subscribe', 'create', '--type', PERSONAL, ...subscriber)).toBe(1);
    expect(g.ctx.err).toContain('422 disclosure-basis-required');
    expect(g.ctx.out).toBe('');
    g.reset();
    expect(
      await g.run('subscribe', 'create', '--type', PERSONAL, ...PURPOSE, ...subscriber, '--lang', 'vi'),
    ).toBe(0);
    expect(g.ctx.out).toMatch(/^Đã tạo đăng ký nhận dữ liệu \S+\.\n/);
    expect(g.ctx.out).toContain('  mục đích        (vi) Giải quyết thủ tục chứng thực\n');
    expect(g.ctx.out).toContain('                  (en) Certification procedures\n');
    expect(g.ctx.out).toContain('  căn cứ pháp lý  Nghị định 278/2025/NĐ-CP Điều 5 khoản 2\n');
  });

  it('edits the purpose and legal basis; a basis that cites no legal document is refused (exit 1)', async () => {
    expect(await g.run('subscribe', 'create', '--type', PERSONAL, ...PURPOSE, ...subscriber, '--json')).toBe(
      0,
    );
    const id = answer()['id'] as string;
    g.reset();
    const basis = 'Luật 91/2025/QH15 Điều 19';
    expect(await g.run('subscribe', 'edit', id, '--legal-basis', basis, ...subscriber)).toBe(0);
    expect(g.ctx.out).toContain(`Subscription ${id} updated.`);
    expect(g.ctx.out).toContain(`  legal basis  ${basis}\n`);
    g.reset();
    expect(
      await g.run(
        'subscribe',
        'edit',
        id,
        '--purpose-vi',
        'Thống kê',
        '--purpose-en',
        'Statistics',
        ...subscriber,
        '--json',
      ),
    ).toBe(0);
    expect(answer()).toMatchObject({ purpose: { vi: 'Thống kê', en: 'Statistics' }, legalBasis: basis });
    g.reset();
    expect(await g.run('subscribe', 'edit', id, '--legal-basis', 'vì cần', ...subscriber)).toBe(1);
    expect(g.ctx.err).toContain('422 invalid-subscription-request');
    expect(g.ctx.err).toContain('/legalBasis');
    g.reset();
    expect(await g.run('subscribe', 'edit', randomUUID(), '--legal-basis', basis, ...subscriber)).toBe(1);
    expect(g.ctx.err).toMatch(/^lienthong: refused by the gateway: 404 /);
  });

  it('sends a --file request byte for byte', async () => {
    const body = `{ "types": ["${TYPE}"], "delivery": { "mode": "kafka" }, "projection": ["/enterpriseCode"] }`;
    g.ctx.file('subscription.json', body);
    const code = await g.run('subscribe', 'create', '--file', 'subscription.json', ...subscriber, '--json');
    expect(g.ctx.err).toBe('');
    expect(code).toBe(0);
    expect(answer()).toMatchObject({ types: [TYPE], projection: ['/enterpriseCode'] });
  });

  it('lists the dead letters of a subscription (none yet)', async () => {
    const id = await createKafka();
    expect(await g.run('dead-letters', id, ...subscriber)).toBe(0);
    expect(g.ctx.out).toBe(`No dead letters for subscription ${id}.\n`);
    g.reset();
    expect(await g.run('dead-letters', id, '--limit', '5', ...subscriber, '--json')).toBe(0);
    expect(answer()).toMatchObject({ subscriptionId: id, deadLetters: [], truncated: false, complete: true });
  });

  it('reports gateway refusals as problem details, exit 1', async () => {
    expect(await g.run('subscribe', 'create', '--type', 'procedure.dossier-status', ...subscriber)).toBe(1);
    expect(g.ctx.err).toMatch(/^lienthong: refused by the gateway: 403 /);
    g.reset();
    expect(
      await g.run(
        'subscribe',
        'create',
        '--type',
        TYPE,
        '--webhook',
        'https://tuphap.example.invalid/x',
        ...subscriber,
      ),
    ).toBe(1);
    expect(g.ctx.err).toContain('422 webhook-url-refused');
    g.reset();
    expect(await g.run('dead-letters', randomUUID(), ...subscriber)).toBe(1);
    expect(g.ctx.err).toMatch(/^lienthong: refused by the gateway: 404 /);
    g.reset();
    expect(await g.run('subscribe', 'pause', randomUUID(), ...subscriber)).toBe(1);
    expect(g.ctx.err).toMatch(/^lienthong: refused by the gateway: 404 /);
  });

  it.each([
    [['subscribe', 'create'], /give at least one --type/],
    [['subscribe', 'create', '--type', 'Residence'], /"Residence" is not a message type/],
    [
      ['subscribe', 'create', '--type', TYPE, '--webhook', 'ftp://x'],
      /--webhook ftp:\/\/x is not an https:\/\//,
    ],
    [['subscribe', 'create', '--type', TYPE, '--purpose-vi', 'x'], /give both --purpose-vi and --purpose-en/],
    [['subscribe', 'create', '--file', 's.json', '--type', TYPE], /do not combine it with --type/],
    [
      ['subscribe', 'create', '--file', 'absent.json'],
      /cannot read subscription request absent\.json: no such file/,
    ],
    [['subscribe', 'create', '--file', 'array.json'], /array\.json is not a subscription request/],
    [['subscribe', 'create', '--file', 'broken.json'], /broken\.json is not JSON/],
    [['subscribe', 'show', '../agencies'], /"\.\.\/agencies" is not a subscription id/],
    [['subscribe', 'list', '--type', 'A'], /"A" is not a message type/],
    [['subscribe', 'rename', 'x'], /unknown action "rename" of subscribe/],
    [['subscribe', 'edit', 'x'], /give --purpose-vi and --purpose-en, or --legal-basis/],
    [['subscribe', 'edit', 'x', '--purpose-en', 'y'], /give both --purpose-vi and --purpose-en/],
    [['subscribe', 'edit', 'a/b', '--legal-basis', 'y'], /"a\/b" is not a subscription id/],
    [['dead-letters', 'x', '--limit', '0'], /--limit 0 is not a whole number from 1 to 1000/],
    [['dead-letters'], /dead-letters takes ID; got none/],
  ])('refuses %j as a usage error (exit 2), nothing sent', async (argv, message) => {
    g.ctx.file('s.json', '{}');
    g.ctx.file('array.json', '[]');
    g.ctx.file('broken.json', '{');
    expect(await g.run(...argv, ...subscriber)).toBe(2);
    expect(g.ctx.err).toMatch(message);
    expect(g.ctx.out).toBe('');
  });

  it('says usage errors in Vietnamese under a Vietnamese locale', async () => {
    g.reset({ LC_ALL: 'vi_VN.UTF-8' });
    expect(await g.run('subscribe', 'create', '--type', TYPE, '--purpose-en', 'x', ...subscriber)).toBe(2);
    expect(g.ctx.err).toContain('Cần cả --purpose-vi và --purpose-en');
  });
});
