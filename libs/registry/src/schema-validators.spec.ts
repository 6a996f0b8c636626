import { describe, expect, it } from '@jest/globals';
import { LienthongError } from '@lienthong/contracts';
import { RegistryState } from './registry-state.js';
import { SchemaValidators, safeCompile } from './schema-validators.js';

const schema = {
  type: 'object',
  properties: { id: { type: 'string' }, head: { type: 'object', properties: { id: { type: 'string' } } } },
  required: ['id'],
};
const metadata = {
  owner: '000.00.00.G01',
  description: { vi: 'Bản ghi thử', en: 'Test record' },
  keyPointer: '/id',
  personalData: ['/id', '/head'],
  signatureRequired: false,
  examples: [{ id: 'a' }],
};

function refusal(run: () => void): { code: string; pointers: string[] } | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    if (!(error instanceof LienthongError)) throw error;
    return { code: error.code, pointers: (error.options.errors ?? []).map((e) => e.pointer) };
  }
}

describe('SchemaValidators.vet: data subjects', () => {
  const validators = new SchemaValidators(
    new RegistryState(() => ({ compatible: true, reasons: [] })),
    safeCompile,
  );

  it('accepts subjects that are personal data or inside it', () => {
    expect(
      refusal(() =>
        validators.vet('test.record', {
          schema,
          metadata: { ...metadata, dataSubject: ['/id', '/head/id'] },
        }),
      ),
    ).toBeUndefined();
  });

  it('refuses a subject outside the personal data: it would reach subscribers without the grant', () => {
    expect(
      refusal(() =>
        validators.vet('test.record', {
          schema,
          metadata: { ...metadata, personalData: ['/head'], dataSubject: ['/id'] },
        }),
      ),
    ).toEqual({ code: 'invalid-schema-registration', pointers: ['/metadata/dataSubject/0'] });
  });

  it('exposes the subjects on the compiled version', () => {
    const compiled = validators.get({
      type: 'test.record',
      version: 1,
      id: 1,
      schema,
      metadata: { ...metadata, dataSubject: ['/id'] },
      fingerprint: 'x',
      state: 'active',
      registeredAt: new Date(0).toISOString(),
    });
    expect(compiled.metadata.dataSubject).toEqual(['/id']);
  });
});
