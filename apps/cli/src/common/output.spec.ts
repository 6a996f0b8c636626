import { describe, expect, it } from '@jest/globals';
import { GatewayRefusalError, UnexpectedError, UsageError } from './cli.exception.js';
import { formatCliError, formatJson, formatRefusal, printable } from './output.js';

describe('output', () => {
  it('prints JSON indented, with a final newline', () => {
    expect(formatJson({ a: 1, b: [true] })).toBe('{\n  "a": 1,\n  "b": [\n    true\n  ]\n}\n');
  });

  it('prints a refusal with its status, code, title, detail, every pointer and the correlation id', () => {
    const text = formatRefusal({
      status: 422,
      code: 'schema-validation-failed',
      title: 'The record does not match the schema',
      detail: '2 problems.',
      correlationId: 'req-7',
      errors: [
        { pointer: '/citizenId', message: 'must match pattern "^[0-9]{12}$"', keyword: 'pattern' },
        { pointer: '', message: 'must have required property fullName', keyword: 'required' },
      ],
    });
    expect(text).toBe(
      [
        'lienthong: refused by the gateway: 422 schema-validation-failed (The record does not match the schema)',
        '  2 problems.',
        '  /citizenId: must match pattern "^[0-9]{12}$" [pattern]',
        '  (the whole document): must have required property fullName [required]',
        '  correlation id: req-7',
        '',
      ].join('\n'),
    );
  });

  it('prints an OAuth refusal and Retry-After', () => {
    expect(
      formatRefusal({
        status: 503,
        code: 'temporarily_unavailable',
        detail: 'Busy.',
        retryAfter: '5',
        errors: [],
      }),
    ).toBe('lienthong: refused by the gateway: 503 temporarily_unavailable\n  Busy.\n  retry after: 5 s\n');
  });

  it('never passes terminal control sequences from the gateway through', () => {
    expect(printable('ok\u001b[31mred\u009b2J\ttab\nline')).toBe('ok\\u001b[31mred\\u009b2J\ttab\nline');
    const text = formatRefusal({ status: 400, code: 'x\u001b]0;pwned\u0007', errors: [] });
    expect(text.includes('\u001b') || text.includes('\u0007')).toBe(false);
  });

  it('points usage errors at the command help', () => {
    expect(formatCliError(new UsageError('missing --key FILE', 'token'))).toBe(
      "lienthong: missing --key FILE\nRun 'lienthong token --help' for its usage.\n",
    );
    expect(formatCliError(new UnexpectedError('cannot reach x'))).toBe('lienthong: cannot reach x\n');
    expect(
      formatCliError(
        new GatewayRefusalError({ status: 403, code: 'forbidden', title: 'Forbidden', errors: [] }),
      ),
    ).toBe('lienthong: refused by the gateway: 403 forbidden (Forbidden)\n');
  });
});
