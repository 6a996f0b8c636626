import { LienthongError, parseRegistrySchemaUri } from '@lienthong/contracts';
import { CompiledSchema, compileUntrustedSchema, resolvePointer } from '@lienthong/schema';
import type { RegistryState } from './registry-state.js';
import type { SchemaRegistrationInput } from './schema-registry.js';
import type { SchemaVersion } from './schema-subjects.js';
import type { ValidateFunction } from 'ajv';

/** Compiles an untrusted document through the safe path; `refs` are registered schemas it references. */
export type UntrustedCompile = (
  document: Record<string, unknown>,
  refs: { uri: string; schema: Record<string, unknown> }[],
) => ValidateFunction;

/** The production compile: `compileUntrustedSchema` (meta-schema, strict, RE2, limits, no remote refs). */
export const safeCompile: UntrustedCompile = (document, refs) =>
  compileUntrustedSchema(document, { references: refs }).validate;

/**
 * Compiled validators per registered version, built on first use and kept: validation never
 * recompiles, and a replica rebuilding from the log does not pay for versions nobody publishes.
 */
export class SchemaValidators {
  private readonly cache = new Map<number, CompiledSchema>();

  constructor(
    private readonly state: RegistryState,
    private readonly compile: UntrustedCompile,
  ) {}

  get(version: SchemaVersion): CompiledSchema {
    let compiled = this.cache.get(version.id);
    if (!compiled) {
      const document = version.schema as Record<string, unknown>;
      const validator = this.compile(document, this.referencedSchemas(document));
      compiled = new CompiledSchema(
        {
          type: version.type,
          version: version.version,
          keyPointer: version.metadata.keyPointer,
          owner: version.metadata.owner,
          personalData: [...version.metadata.personalData],
          dataSubject: [...(version.metadata.dataSubject ?? [])],
          description: version.metadata.description,
          signatureRequired: version.metadata.signatureRequired,
        },
        document,
        validator,
      );
      this.cache.set(version.id, compiled);
    }
    return compiled;
  }

  /** Registered schemas named by `urn:lienthong:schema:<type>:<version>` refs in `document`. */
  referencedSchemas(document: unknown): { uri: string; schema: Record<string, unknown> }[] {
    const found = new Map<string, Record<string, unknown>>();
    const visit = (node: unknown): void => {
      if (Array.isArray(node)) return node.forEach(visit);
      if (node === null || typeof node !== 'object') return;
      for (const [key, value] of Object.entries(node)) {
        if (key === '$ref' && typeof value === 'string') {
          const uri = value.split('#')[0]!;
          const named = parseRegistrySchemaUri(uri);
          const target = named ? this.state.version(named.type, named.version) : undefined;
          if (target && !found.has(uri)) found.set(uri, target.schema);
        } else {
          visit(value);
        }
      }
    };
    visit(document);
    return [...found].map(([uri, schema]) => ({ uri, schema }));
  }

  /**
   * Vets an untrusted registration before anything is written: the schema compiles through the
   * safe path (throws LienthongError 422 naming the offending pointer), and every example
   * validates and has a record key.
   */
  vet(type: string, input: SchemaRegistrationInput): void {
    checkDataSubject(input.metadata);
    const validator = this.compile(input.schema, this.referencedSchemas(input.schema));
    const compiled = new CompiledSchema(
      {
        type,
        version: 0,
        ...input.metadata,
        personalData: [...input.metadata.personalData],
        dataSubject: [...(input.metadata.dataSubject ?? [])],
      },
      input.schema,
      validator,
    );
    input.metadata.examples.forEach((example, i) => {
      const errors = compiled.validate(example);
      if (errors.length > 0) {
        throw new LienthongError('schema-example-invalid', {
          detail: `examples[${i}] does not validate.`,
          detailVi: `examples[${i}] không hợp lệ.`,
          errors: errors.map((e) => ({ ...e, pointer: `/metadata/examples/${i}${e.pointer}` })),
        });
      }
      const key = resolvePointer(example, input.metadata.keyPointer);
      if (typeof key !== 'string' && !(typeof key === 'number' && Number.isSafeInteger(key))) {
        throw new LienthongError('schema-example-invalid', {
          detail: `examples[${i}] has no string at the key pointer ${input.metadata.keyPointer}.`,
          detailVi: `examples[${i}] không có chuỗi tại vị trí khoá ${input.metadata.keyPointer}.`,
          errors: [
            {
              pointer: `/metadata/examples/${i}`,
              message: 'record key missing',
              messageVi: 'thiếu khoá bản ghi',
            },
          ],
        });
      }
    });
  }

  size(): number {
    return this.cache.size;
  }
}

/**
 * Every data-subject pointer must be personal data itself (equal to or inside a `personalData`
 * pointer): otherwise the identifier would reach subscribers without the grant in clear.
 */
function checkDataSubject(metadata: SchemaRegistrationInput['metadata']): void {
  const tokens = (p: string): string[] => p.split('/').slice(1);
  const inside = (pointer: string, container: string): boolean => {
    const [a, b] = [tokens(pointer), tokens(container)];
    return b.length <= a.length && b.every((t, i) => t === a[i]);
  };
  const outside = (metadata.dataSubject ?? []).flatMap((pointer, i) =>
    metadata.personalData.some((p) => inside(pointer, p)) ? [] : [{ pointer, i }],
  );
  if (outside.length === 0) return;
  throw new LienthongError('invalid-schema-registration', {
    detail: `Data-subject pointers must be personal data: ${outside.map((o) => o.pointer).join(', ')}.`,
    detailVi: `Con trỏ chủ thể dữ liệu phải thuộc dữ liệu cá nhân: ${outside.map((o) => o.pointer).join(', ')}.`,
    errors: outside.map(({ i }) => ({
      pointer: `/metadata/dataSubject/${i}`,
      message: 'must be one of the personalData pointers, or inside one',
      messageVi: 'phải là một con trỏ trong personalData, hoặc nằm bên trong một con trỏ đó',
    })),
  });
}
