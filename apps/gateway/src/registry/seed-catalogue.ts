import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { SchemaRegistrationInput } from '@lienthong/registry';
import { readSchemaMetadata } from '@lienthong/schema';

/** A schema file of `schemas/` turned into a registration. */
export interface SeedEntry {
  type: string;
  fileVersion: number;
  origin: string;
  input: SchemaRegistrationInput;
}

/**
 * Reads `<dir>/<type>/v<N>.schema.json` in type and version order. The `x-lienthong-*`
 * keywords become the registration's metadata; the document is registered as it is.
 */
export function readSeedCatalogue(dir: string): SeedEntry[] {
  const entries: SeedEntry[] = [];
  for (const type of readdirSync(dir).sort()) {
    const typeDir = join(dir, type);
    if (!statSync(typeDir).isDirectory()) continue;
    const files = readdirSync(typeDir)
      .filter((f) => /^v[0-9]+\.schema\.json$/.test(f))
      .sort((a, b) => Number(a.slice(1, a.indexOf('.'))) - Number(b.slice(1, b.indexOf('.'))));
    for (const file of files) {
      const origin = join(typeDir, file);
      const schema = JSON.parse(readFileSync(origin, 'utf8')) as Record<string, unknown>;
      const metadata = readSchemaMetadata(schema, origin);
      if (metadata.type !== type) throw new Error(`${origin}: x-lienthong-type must equal its folder name`);
      entries.push({
        type,
        fileVersion: metadata.version,
        origin,
        input: {
          schema,
          metadata: {
            owner: metadata.owner,
            description: metadata.description,
            keyPointer: metadata.keyPointer,
            personalData: metadata.personalData,
            ...(metadata.dataSubject.length > 0 && { dataSubject: metadata.dataSubject }),
            signatureRequired: metadata.signatureRequired,
            examples: Array.isArray(schema['examples']) ? (schema['examples'] as unknown[]) : [],
          },
        },
      });
    }
  }
  return entries;
}
