import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAgencyJwks, sha256Base64url, verifyPublisherSignature, verifyReceipt } from '@lienthong/trust';
import { ContractGateway, problem } from '../testing/contract-gateway.util.js';
import type { AgencySetup } from '../testing/cli-run.util.js';
import { TEST_AGENCY, setUpAgency } from '../testing/cli-run.util.js';

const TYPE = 'residence.registration';
// Odd but legal formatting: what is sent, signed and receipted must be these bytes.
const BODY = Buffer.from('\n  {"citizenId" :"001203004567",\t"note":"Hà Nội"}\r\n', 'utf8');

describe('lienthong publish', () => {
  let gateway: ContractGateway;
  let agency: AgencySetup;

  beforeEach(async () => {
    gateway = await ContractGateway.start();
    agency = await setUpAgency(gateway);
    agency.ctx.file('record.json', BODY);
  });
  afterEach(() => agency.ctx.cleanup());

  const published = () => gateway.requests.find((r) => r.path === `/v1/messages/${TYPE}`);

  it('sends the file byte for byte with a bearer token and prints the answer', async () => {
    expect(await agency.run('publish', TYPE, 'record.json', ...agency.credentials)).toBe(0);
    const request = published()!;
    expect(request.body.equals(BODY)).toBe(true);
    expect(request.headers.get('content-type')).toBe('application/json');
    expect(request.headers.get('authorization')).toMatch(/^Bearer at-/);
    expect(request.headers.has('lienthong-signature')).toBe(false);
    // Always one, so that a retry after an unknown outcome cannot write the record twice.
    expect(request.headers.get('idempotency-key')).toMatch(
      /^"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}"$/,
    );
    const answer = JSON.parse(agency.ctx.out) as Record<string, unknown>;
    expect(answer).toMatchObject({ type: TYPE, schemaVersion: 1, topic: `lienthong.records.${TYPE}` });
    const verified = await verifyReceipt(answer['receipt'] as string, gateway.keyring.publicJwks(), {
      body: BODY,
    });
    expect(verified.matched?.bodySha256).toBe(sha256Base64url(BODY));
  });

  it.each(['ES256', 'EdDSA'] as const)(
    'signs the exact bytes with --sign (%s), bound to the type',
    async (alg) => {
      agency = await setUpAgency(gateway, alg);
      agency.ctx.file('record.json', BODY);
      expect(await agency.run('publish', TYPE, 'record.json', ...agency.credentials, '--sign')).toBe(0);
      const signature = published()!.headers.get('lienthong-signature')!;
      expect(signature).toMatch(/^[A-Za-z0-9_-]+\.\.[A-Za-z0-9_-]+$/);
      const keys = parseAgencyJwks({ keys: [agency.key.publicJwk] });
      await expect(
        verifyPublisherSignature(signature, BODY, { type: TYPE, agencyKeys: keys }),
      ).resolves.toMatchObject({
        kid: 'agency-key-1',
        alg,
      });
      await expect(
        verifyPublisherSignature(signature, Buffer.from(JSON.stringify(JSON.parse(BODY.toString()))), {
          type: TYPE,
          agencyKeys: keys,
        }),
      ).rejects.toMatchObject({ reason: 'signature-invalid' });
    },
  );

  it('sends the idempotency key as an sf-string and the schema version', async () => {
    const args = ['publish', TYPE, 'record.json', ...agency.credentials];
    expect(await agency.run(...args, '--idempotency-key', 'order-"42"\\a', '--schema-version', '3')).toBe(0);
    expect(published()!.headers.get('idempotency-key')).toBe('"order-\\"42\\"\\\\a"');
    expect(published()!.headers.get('lienthong-schema-version')).toBe('3');
  });

  it('writes the receipt with --receipt-out', async () => {
    expect(
      await agency.run('publish', TYPE, 'record.json', ...agency.credentials, '--receipt-out', 'r.jws'),
    ).toBe(0);
    const receipt = readFileSync(join(agency.ctx.cwd, 'r.jws'), 'utf8');
    expect(receipt).toBe(`${(JSON.parse(agency.ctx.out) as { receipt: string }).receipt}\n`);
    await expect(
      verifyReceipt(receipt.trim(), gateway.keyring.publicJwks(), { body: BODY }),
    ).resolves.toMatchObject({
      publisher: TEST_AGENCY,
      type: TYPE,
    });
  });

  it('exits 1 and prints every failing pointer when the gateway refuses the record', async () => {
    gateway.overrides.set(`POST /v1/messages/${TYPE}`, () =>
      problem(
        422,
        'schema-validation-failed',
        'The record does not match the schema',
        [
          { pointer: '/citizenId', message: 'must match pattern "^[0-9]{12}$"', keyword: 'pattern' },
          { pointer: '', message: "must have required property 'fullName'", keyword: 'required' },
        ],
        { detail: '2 problems', correlationId: 'req-1' },
      ),
    );
    expect(
      await agency.run('publish', TYPE, 'record.json', ...agency.credentials, '--receipt-out', 'r.jws'),
    ).toBe(1);
    expect(agency.ctx.out).toBe('');
    expect(agency.ctx.err).toBe(
      [
        'lienthong: refused by the gateway: 422 schema-validation-failed (The record does not match the schema)',
        '  2 problems',
        '  /citizenId: must match pattern "^[0-9]{12}$" [pattern]',
        "  (the whole document): must have required property 'fullName' [required]",
        '  correlation id: req-1',
        '',
      ].join('\n'),
    );
  });

  it('prints the key it sent when a 503 leaves the outcome unknown, and a retry with it sends the same key', async () => {
    gateway.overrides.set(`POST /v1/messages/${TYPE}`, () => {
      const answer = problem(
        503,
        'kafka-unavailable',
        'The message log is temporarily unavailable; retry later',
      );
      answer.headers.set('retry-after', '5');
      return answer;
    });
    expect(await agency.run('publish', TYPE, 'record.json', ...agency.credentials)).toBe(1);
    const sent = published()!.headers.get('idempotency-key')!.slice(1, -1);
    expect(agency.ctx.err).toContain('503 kafka-unavailable');
    expect(agency.ctx.err).toContain('retry after: 5 s');
    expect(agency.ctx.err).toContain(
      `outcome unknown: retry with the same key: lienthong publish … --idempotency-key ${sent}`,
    );
    expect(agency.ctx.err).toContain(`chưa rõ kết quả: hãy gửi lại với cùng khóa:`);

    gateway.overrides.delete(`POST /v1/messages/${TYPE}`);
    const before = gateway.requests.length;
    expect(
      await agency.run('publish', TYPE, 'record.json', ...agency.credentials, '--idempotency-key', sent),
    ).toBe(0);
    const retried = gateway.requests.slice(before).find((r) => r.path === `/v1/messages/${TYPE}`)!;
    expect(retried.headers.get('idempotency-key')).toBe(`"${sent}"`);
  });

  it('adds no retry hint to a 4xx refusal (nothing was written)', async () => {
    gateway.overrides.set(`POST /v1/messages/${TYPE}`, () => problem(403, 'forbidden', 'Not allowed'));
    expect(await agency.run('publish', TYPE, 'record.json', ...agency.credentials)).toBe(1);
    expect(agency.ctx.err).not.toContain('idempotency-key');
  });

  it.each([
    [['--schema-version', 'latest'], '--schema-version latest is not a version number'],
    [['--schema-version', '0'], '--schema-version 0 is not a version number'],
    [['--idempotency-key', 'has space'], '--idempotency-key must be 1 to 255 visible ASCII characters'],
    [['--receipt-out', 'no/such/dir/r.jws'], '--receipt-out no/such/dir/r.jws: its directory does not exist'],
  ])('exits 2 and sends nothing for %j', async (extra, message) => {
    expect(await agency.run('publish', TYPE, 'record.json', ...agency.credentials, ...extra)).toBe(2);
    expect(agency.ctx.err).toContain(message);
    expect(gateway.requests).toEqual([]);
  });

  it('exits 2 for a bad type name or a missing file, before anything is sent', async () => {
    expect(await agency.run('publish', 'Residence', 'record.json', ...agency.credentials)).toBe(2);
    expect(agency.ctx.err).toContain('"Residence" is not a message type');
    expect(await agency.run('publish', TYPE, 'absent.json', ...agency.credentials)).toBe(2);
    expect(agency.ctx.err).toContain('cannot read record file absent.json: no such file or directory');
    expect(gateway.requests).toEqual([]);
  });
});
