import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createKafkaClient } from '@lienthong/kafka';
import { parseAgencyJwks, sha256Base64url, verifyPublisherSignature, verifyReceipt } from '@lienthong/trust';
import { decodeJwt, decodeProtectedHeader, exportJWK } from 'jose';
import type { Kafka } from 'kafkajs';
import type { TestAgency } from '../support/agencies.util.js';
import { agencyKeyPair } from '../support/agencies.util.js';
import { readCatalogueFixtures } from '../support/catalogue-fixtures.util.js';
import type { RunningGateway } from '../support/gateway.util.js';
import { startGateway } from '../support/gateway.util.js';
import { pollUntil } from '../support/poll-until.util.js';
import { RecordCollector } from '../support/record-collector.util.js';
import { builtCliBin } from '../support/test-build.util.js';

const run = promisify(execFile);
const ROOT = resolve('.');
// The bin that `npx lienthong` runs (node_modules/.bin/lienthong links to it), copied beside the
// build global-setup.ts made for this run.
const BIN = builtCliBin();

const fixture = readCatalogueFixtures().find((f) => f.type === 'residence.registration')!;
const TYPE = fixture.type;

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

describe('lienthong (the built CLI, as a child process) against a real gateway', () => {
  let gateway: RunningGateway;
  let agency: TestAgency;
  let kafka: Kafka;
  let collector: RecordCollector;
  let dir: string;
  let credentials: string[];

  /** Runs the CLI in the scratch directory, with no LIENTHONG_* variables but those given. */
  const cli = async (args: string[], env: Record<string, string> = {}): Promise<CliResult> => {
    const base = Object.fromEntries(
      Object.entries(process.env).filter(([name]) => !name.startsWith('LIENTHONG_')),
    );
    try {
      const { stdout, stderr } = await run(process.execPath, [BIN, ...args], {
        cwd: dir,
        env: { ...base, ...env },
      });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code?: unknown; stdout?: string; stderr?: string };
      if (typeof failed.code !== 'number') throw error;
      return { code: failed.code, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
    }
  };
  const file = (name: string, content: string | Buffer): string => {
    writeFileSync(join(dir, name), content);
    return name;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lienthong-cli-e2e-'));
    gateway = await startGateway();
    agency = await gateway.createAgency({ roles: ['publisher', 'integrator'], grants: { publish: [TYPE] } });
    // The private key file as `npm start` writes one: a JWK with kid and alg.
    file(
      'agency.private.jwk.json',
      JSON.stringify({ ...(await exportJWK(agency.privateKey)), kid: agency.kid, alg: 'ES256' }),
    );
    // Test gateways share an issuer identifier that is not their URL (a URN), so it is named;
    // against `npm start` the issuer is the gateway URL and --issuer is not needed.
    credentials = [
      '--gateway',
      gateway.url,
      '--agency',
      agency.id,
      '--key',
      'agency.private.jwk.json',
      '--issuer',
      gateway.config.issuer,
    ];
    kafka = createKafkaClient({ brokers: gateway.config.kafkaBrokers, clientId: 'cli-e2e' });
    collector = new RecordCollector(kafka);
    await collector.start([`lienthong.records.${TYPE}`]);
  });

  afterAll(async () => {
    await collector?.stop();
    await gateway?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  describe('token', () => {
    it('prints an RFC 9068 access token for the agency', async () => {
      const result = await cli(['token', ...credentials]);
      expect(result).toMatchObject({ code: 0, stderr: '' });
      const token = result.stdout.trim();
      expect(decodeProtectedHeader(token).typ).toBe('at+jwt');
      expect(decodeJwt(token)).toMatchObject({ sub: agency.id, client_id: agency.id });
    });

    it('prints the whole answer with --json, taking the options from the environment', async () => {
      const result = await cli(['token', '--json'], {
        LIENTHONG_GATEWAY: gateway.url,
        LIENTHONG_AGENCY: agency.id,
        LIENTHONG_KEY_FILE: 'agency.private.jwk.json',
        LIENTHONG_ISSUER: gateway.config.issuer,
      });
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout)).toMatchObject({
        token_type: 'Bearer',
        expires_in: expect.any(Number),
      });
    });

    it('exits 1 with invalid_client when the key is not the agency key', async () => {
      const other = await agencyKeyPair(agency.kid);
      file(
        'other.private.jwk.json',
        JSON.stringify({ ...(await exportJWK(other.privateKey)), kid: agency.kid, alg: 'ES256' }),
      );
      const args = credentials.map((a) => (a === 'agency.private.jwk.json' ? 'other.private.jwk.json' : a));
      const result = await cli(['token', ...args]);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/^lienthong: refused by the gateway: 401 invalid_client\n/);
      expect(result.stdout).toBe('');
    });

    it('exits 2 for a public-only key file, 3 for a gateway that does not answer', async () => {
      file('public.jwk.json', JSON.stringify(agency.publicJwk));
      const publicOnly = credentials.map((a) => (a === 'agency.private.jwk.json' ? 'public.jwk.json' : a));
      expect((await cli(['token', ...publicOnly])).code).toBe(2);
      const offline = credentials.map((a) => (a === gateway.url ? 'http://127.0.0.1:9' : a));
      const result = await cli(['token', ...offline]);
      expect(result.code).toBe(3);
      expect(result.stderr).toContain('cannot reach http://127.0.0.1:9/');
    });
  });

  describe('publish and verify-receipt', () => {
    // Odd but legal formatting: Kafka, the signature and the receipt must all cover these bytes.
    const body = Buffer.from(`\n  ${JSON.stringify(fixture.ok[0], null, 3)}\t\n`, 'utf8');
    let answer: Record<string, unknown>;

    beforeAll(async () => {
      file('record.json', body);
      const result = await cli([
        'publish',
        TYPE,
        'record.json',
        ...credentials,
        '--sign',
        '--receipt-out',
        'record.receipt',
      ]);
      expect(result).toMatchObject({ code: 0, stderr: '' });
      answer = JSON.parse(result.stdout) as Record<string, unknown>;
    });

    it('publishes the bytes as they are, signed, and Kafka holds them with the signature', async () => {
      expect(answer).toMatchObject({
        type: TYPE,
        topic: `lienthong.records.${TYPE}`,
        receipt: expect.any(String),
      });
      const record = await pollUntil(() => collector.byId.get(answer['id'] as string), { timeoutMs: 30_000 });
      expect(record.value?.equals(body)).toBe(true);
      expect(record.headers['ce_source']).toBe(agency.id);
      const signature = record.headers['lienthong-publisher-signature'];
      await expect(
        verifyPublisherSignature(signature, record.value!, {
          type: TYPE,
          agencyKeys: parseAgencyJwks({ keys: [agency.publicJwk] }),
        }),
      ).resolves.toMatchObject({ kid: agency.kid });
    });

    it('wrote the receipt, which covers the exact bytes', async () => {
      const receipt = readFileSync(join(dir, 'record.receipt'), 'utf8').trim();
      expect(receipt).toBe(answer['receipt']);
      const jwks = await (await fetch(`${gateway.url}/.well-known/jwks.json`)).json();
      const verified = await verifyReceipt(receipt, jwks, { body });
      expect(verified.matched?.bodySha256).toBe(sha256Base64url(body));
    });

    it('verify-receipt accepts the receipt against the published JWKS and the body', async () => {
      const result = await cli([
        'verify-receipt',
        'record.receipt',
        '--jwks',
        `${gateway.url}/.well-known/jwks.json`,
        '--body',
        'record.json',
      ]);
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout)).toMatchObject({
        issuer: gateway.config.issuer,
        type: TYPE,
        publisher: agency.id,
        matched: { messageId: answer['id'], bodySha256: sha256Base64url(body) },
      });
      expect(result.stderr).toMatch(
        /^receipt valid: signed by the gateway key .+; it covers the bytes of record.json\n$/,
      );
    });

    it('verify-receipt works offline from a saved JWKS, and from the saved answer', async () => {
      file('jwks.json', await (await fetch(`${gateway.url}/.well-known/jwks.json`)).text());
      file('answer.json', JSON.stringify(answer));
      expect(
        (await cli(['verify-receipt', 'answer.json', '--jwks', 'jwks.json', '--body', 'record.json'])).code,
      ).toBe(0);
      expect((await cli(['verify-receipt', 'record.receipt', '--gateway', gateway.url])).code).toBe(0);
    });

    it('verify-receipt exits 1 for another body, a tampered byte, or a key the JWKS lacks', async () => {
      file('reformatted.json', JSON.stringify(JSON.parse(body.toString('utf8'))));
      const other = await cli([
        'verify-receipt',
        'record.receipt',
        '--jwks',
        'jwks.json',
        '--body',
        'reformatted.json',
      ]);
      expect(other.code).toBe(1);
      expect(other.stderr).toContain('(body-mismatch)');

      const receipt = readFileSync(join(dir, 'record.receipt'), 'utf8').trim();
      const at = receipt.lastIndexOf('.') + 5;
      const tampered = `${receipt.slice(0, at)}${receipt[at] === 'A' ? 'B' : 'A'}${receipt.slice(at + 1)}`;
      file('tampered.receipt', tampered);
      expect((await cli(['verify-receipt', 'tampered.receipt', '--jwks', 'jwks.json'])).code).toBe(1);

      file('empty-jwks.json', JSON.stringify({ keys: [] }));
      const unknown = await cli(['verify-receipt', 'record.receipt', '--jwks', 'empty-jwks.json']);
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toContain('(kid-unknown)');
    });

    it('publish with the same idempotency key and body answers the first receipt', async () => {
      const args = ['publish', TYPE, 'record.json', ...credentials, '--idempotency-key', randomUUID()];
      const first = await cli(args);
      const again = await cli(args);
      expect([first.code, again.code]).toEqual([0, 0]);
      expect(JSON.parse(again.stdout)).toEqual(JSON.parse(first.stdout));
    });

    it('publish exits 1 with the failing pointers for an invalid record', async () => {
      const [notOk] = fixture.notOk;
      file('invalid.json', JSON.stringify(notOk!.payload));
      const result = await cli(['publish', TYPE, 'invalid.json', ...credentials]);
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(/^lienthong: refused by the gateway: 422 /);
      for (const pointer of notOk!.expectedPointers) expect(result.stderr).toContain(`  ${pointer}: `);
    });
  });

  describe('register-schema', () => {
    // A new type owned by the test agency, from a catalogue schema with x-lienthong-* keywords.
    const type = `cli-e2e.t${randomUUID().slice(0, 8)}`;

    beforeAll(() => {
      const schema = JSON.parse(
        readFileSync('schemas/residence.registration/v1.schema.json', 'utf8'),
      ) as Record<string, unknown>;
      file(
        'v1.schema.json',
        JSON.stringify({ ...schema, 'x-lienthong-type': type, 'x-lienthong-owner': agency.id }, null, 2),
      );
    });

    it('registers an annotated schema as version 1, and the same again answers created: false', async () => {
      const first = await cli(['register-schema', type, 'v1.schema.json', ...credentials]);
      expect(first).toMatchObject({ code: 0, stderr: '' });
      expect(JSON.parse(first.stdout)).toMatchObject({ type, version: 1, created: true });
      const again = await cli(['register-schema', type, 'v1.schema.json', ...credentials]);
      expect(again.code).toBe(0);
      expect(JSON.parse(again.stdout)).toMatchObject({ type, version: 1, created: false });
    });

    it('exits 1 when the agency does not own the type', async () => {
      const result = await cli([
        'register-schema',
        TYPE,
        join(ROOT, 'schemas/residence.registration/v1.schema.json'),
        ...credentials,
      ]);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/^lienthong: refused by the gateway: 403 /);
    });
  });
});
