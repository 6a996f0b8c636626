import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
// The conversion must follow the rules the gateway seeds its catalogue with: compare with them.
import { readSeedCatalogue } from '../../../gateway/src/registry/seed-catalogue.js';
import { UsageError } from '../common/cli.exception.js';
import { registrationFromFile } from './schema-registration-file.js';

const SCHEMAS_DIR = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../../schemas');
const seeds = readSeedCatalogue(SCHEMAS_DIR);

describe('registrationFromFile', () => {
  it('has the catalogue to compare with', () => {
    expect(seeds.length).toBeGreaterThanOrEqual(3);
  });

  it.each(seeds.map((seed) => [seed.type, seed] as const))(
    'turns schemas/%s into the registration the gateway seeds',
    async (type, seed) => {
      const bytes = readFileSync(seed.origin);
      const request = await registrationFromFile(bytes, seed.origin, type);
      expect(request.form).toBe('annotated-schema');
      expect(request.fileVersion).toBe(seed.fileVersion);
      expect(JSON.parse(request.body.toString('utf8'))).toEqual(seed.input);
    },
  );

  it('sends a {schema, metadata} file byte for byte', async () => {
    const bytes = Buffer.from('{ "schema": {"type":"object"},\n  "metadata": {"owner": "000.00.00.G01"} }\n');
    const request = await registrationFromFile(bytes, 'r.json', 'x.y');
    expect(request.form).toBe('registration');
    expect(request.body).toBe(bytes);
  });

  it('defaults examples to [] when the schema has none', async () => {
    const [seed] = seeds;
    const document = JSON.parse(readFileSync(seed!.origin, 'utf8')) as Record<string, unknown>;
    delete document['examples'];
    const request = await registrationFromFile(Buffer.from(JSON.stringify(document)), 'v.json', seed!.type);
    expect(
      (JSON.parse(request.body.toString()) as { metadata: { examples: unknown[] } }).metadata.examples,
    ).toEqual([]);
  });

  const refusal = async (text: string, type = 'residence.registration'): Promise<string> => {
    try {
      await registrationFromFile(Buffer.from(text), 's.json', type);
    } catch (error) {
      expect(error).toBeInstanceOf(UsageError);
      return (error as Error).message;
    }
    throw new Error('expected a refusal');
  };

  it('refuses a schema of another type, one with broken x-lienthong keywords, and other files', async () => {
    const [seed] = seeds;
    const text = readFileSync(seed!.origin, 'utf8');
    expect(await refusal(text, 'other.type')).toBe(
      `schema file s.json declares x-lienthong-type ${seed!.type}, not other.type`,
    );
    const broken = { ...(JSON.parse(text) as object), 'x-lienthong-owner': 'nobody' };
    expect(await refusal(JSON.stringify(broken), seed!.type)).toBe(
      'schema file s.json: x-lienthong-owner must be an agency code',
    );
    expect(await refusal('{"type":"object"}')).toContain('is neither a registration');
    expect(await refusal('[]')).toBe('schema file s.json is not a JSON object');
    expect(await refusal('{')).toMatch(/^schema file s.json is not JSON/);
  });
});
