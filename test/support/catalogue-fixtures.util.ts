import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** One type of the `schemas/` catalogue with its ok and not-ok corpora. */
export interface CatalogueFixture {
  type: string;
  version: number;
  keyPointer: string;
  ok: unknown[];
  notOk: { name: string; description: string; expectedPointers: string[]; payload: unknown }[];
}

/** Reads every type in `schemas/` (latest version) with its examples and invalid payloads. */
export function readCatalogueFixtures(dir = 'schemas'): CatalogueFixture[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => {
      const typeDir = join(dir, d.name);
      const latest = readdirSync(typeDir)
        .filter((f) => /^v[0-9]+\.schema\.json$/.test(f))
        .sort((a, b) => Number(a.slice(1).split('.')[0]) - Number(b.slice(1).split('.')[0]))
        .pop();
      if (!latest) throw new Error(`${typeDir} has no schema`);
      const schema = JSON.parse(readFileSync(join(typeDir, latest), 'utf8')) as Record<string, unknown>;
      const notOkDir = join(typeDir, 'not-ok');
      const notOk = readdirSync(notOkDir)
        .filter((f) => f.endsWith('.json'))
        .sort()
        .map((f) => {
          const c = JSON.parse(readFileSync(join(notOkDir, f), 'utf8')) as {
            description: string;
            expectedPointers: string[];
            payload: unknown;
          };
          return { name: `${d.name}/${f}`, ...c };
        });
      return {
        type: schema['x-lienthong-type'] as string,
        version: schema['x-lienthong-version'] as number,
        keyPointer: schema['x-lienthong-key'] as string,
        ok: schema['examples'] as unknown[],
        notOk,
      };
    });
}

/** A schema-valid `procedure.dossier-status` record (a birth registration received online). */
export function dossierStatusRecord(dossierCode: string): Record<string, unknown> {
  return {
    dossierCode,
    procedureCode: '1.001193',
    procedureName: 'Đăng ký khai sinh',
    receivingAgency: '000.00.34.H29',
    channel: 'ONLINE',
    applicant: { fullName: 'Lê Minh Tâm', idNumber: '079093006789', phone: '0912345678' },
    status: 'RECEIVED',
    submittedAt: '2025-10-13T21:47:03+07:00',
    receivedAt: '2025-10-14T08:05:12+07:00',
    dueAt: '2025-10-21T17:00:00+07:00',
    updatedAt: '2025-10-14T08:05:12+07:00',
  };
}
