import { readFileSync } from 'node:fs';

/**
 * Records of about 1 KB with Vietnamese text: the residence.registration example, pretty-printed
 * as an agency system would send it, with the registration number varied per record.
 */
export function residenceRecord(i = 0): string {
  const schema = JSON.parse(readFileSync('schemas/residence.registration/v1.schema.json', 'utf8')) as {
    examples: Record<string, unknown>[];
  };
  const example = {
    ...schema.examples[0]!,
    registrationId: `G01.01.00004-250714-${String(i % 10_000).padStart(4, '0')}`,
  };
  return JSON.stringify(example, null, 2);
}
