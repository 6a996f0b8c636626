import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { ConfigError, EnvReader } from './env-reader.js';

class AppConfigError extends ConfigError {
  override readonly name = 'AppConfigError';
}

describe('EnvReader', () => {
  it('takes the default for unset and empty variables', () => {
    const env = new EnvReader({ EMPTY: '' });
    expect(env.int('EMPTY', 7, 0, 10)).toBe(7);
    expect(env.int('UNSET', 7, 0, 10)).toBe(7);
    expect(env.bool('EMPTY', true)).toBe(true);
    expect(env.oneOf('EMPTY', ['a', 'b'], 'b')).toBe('b');
    expect(env.durationsMs('EMPTY', '1,2', { maxCount: 3, maxMs: 10 })).toEqual([1, 2]);
    expect(env.fraction('EMPTY', 0.2, 0, 1)).toBe(0.2);
    expect(env.raw('EMPTY')).toBeUndefined();
    expect(env.problems).toEqual([]);
    expect(() => env.throwIfInvalid('Invalid configuration')).not.toThrow();
  });

  it('reads integers within bounds and names the variable otherwise', () => {
    const env = new EnvReader({ A: '42', B: '4.2', C: '-1', D: 'x' });
    expect(env.int('A', 0, 0, 100)).toBe(42);
    expect(env.int('B', 1, 0, 100)).toBe(1);
    expect(env.int('C', 2, 0, 100)).toBe(2);
    expect(env.int('D', 3, 0, 86_400)).toBe(3);
    expect(env.problems).toEqual([
      'B must be an integer between 0 and 100 (got "4.2")',
      'C must be an integer between 0 and 100 (got "-1")',
      'D must be an integer between 0 and 86400 (got "x")',
    ]);
  });

  it('reads booleans as true/1 and false/0 in any case', () => {
    const env = new EnvReader({ T: 'TRUE', O: '1', F: ' false ', Z: '0', Y: 'yes' });
    expect([env.bool('T', false), env.bool('O', false), env.bool('F', true), env.bool('Z', true)]).toEqual([
      true,
      true,
      false,
      false,
    ]);
    expect(env.bool('Y', false)).toBe(false);
    expect(env.problems).toEqual(['Y must be true or false (got "yes")']);
  });

  it('reads one of a list, trimmed and lower-cased', () => {
    const levels = ['info', 'warn'] as const;
    const env = new EnvReader({ L: ' WARN ', M: 'loud' });
    expect(env.oneOf('L', levels, 'info')).toBe('warn');
    expect(env.oneOf('M', levels, 'info')).toBe('info');
    expect(env.problems).toEqual(['M must be one of info, warn (got "loud")']);
  });

  it('reads the broker list: required, each entry host:port or [ipv6]:port', () => {
    expect(new EnvReader({ KAFKA_BROKERS: ' a:1, [::1]:9092 ,' }).brokers('KAFKA_BROKERS')).toEqual([
      'a:1',
      '[::1]:9092',
    ]);
    const missing = new EnvReader({});
    expect(missing.brokers('KAFKA_BROKERS')).toEqual([]);
    expect(missing.problems).toEqual(['KAFKA_BROKERS must list at least one host:port']);
    const wrong = new EnvReader({ KAFKA_BROKERS: 'http://kafka:9092' });
    wrong.brokers('KAFKA_BROKERS');
    expect(wrong.problems).toEqual(['KAFKA_BROKERS entry "http://kafka:9092" must be host:port']);
  });

  it('reads lists of delays and fractions', () => {
    const env = new EnvReader({ D: '10, 20', E: '10,x', F: '0.5', G: '1' });
    expect(env.durationsMs('D', '1', { maxCount: 2, maxMs: 100 })).toEqual([10, 20]);
    env.durationsMs('E', '1', { maxCount: 20, maxMs: 100 });
    expect(env.fraction('F', 0.2, 0, 1)).toBe(0.5);
    expect(env.fraction('G', 0.2, 0, 1)).toBe(0.2);
    expect(env.problems).toEqual([
      'E must be 1 to 20 comma-separated delays in milliseconds (got "10,x")',
      'G must be a number in [0, 1) (got "1")',
    ]);
  });

  it('reads a secret inline or from NAME_FILE (trimmed), never both, never short, never echoed', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'env-reader-')), 'secret.txt');
    writeFileSync(file, 'from-the-file-0123456789abcdef0123\n');
    const long = 'inline-secret-0123456789abcdef012345';
    expect(new EnvReader({ S: long }).secret('S', 32)).toBe(long);
    expect(new EnvReader({ S_FILE: file }).secret('S', 32)).toBe('from-the-file-0123456789abcdef0123');
    expect(new EnvReader({}).secret('S', 32)).toBeUndefined();
    const both = new EnvReader({ S: long, S_FILE: file });
    expect(both.secret('S', 32)).toBeUndefined();
    expect(both.problems).toEqual(['set S or S_FILE, not both']);
    const short = new EnvReader({ S: 'short-secret-value' });
    expect(short.secret('S', 32)).toBeUndefined();
    expect(short.problems).toEqual(['S must be at least 32 characters']);
    expect(short.problems.join()).not.toContain('short-secret-value');
    const shortFile = new EnvReader({ S_FILE: file });
    expect(shortFile.secret('S', 64)).toBeUndefined();
    expect(shortFile.problems).toEqual(['S_FILE must hold at least 64 characters']);
    const missing = new EnvReader({ S_FILE: join(tmpdir(), 'no-such-dir-lienthong', 'x') });
    expect(missing.secret('S', 32)).toBeUndefined();
    expect(missing.problems[0]).toMatch(/^S_FILE cannot be read: /);
  });

  it('stops with every problem at once, in the error the app chose', () => {
    const env = new EnvReader({ PORT: 'eighty' });
    env.brokers('KAFKA_BROKERS');
    env.int('PORT', 8080, 0, 65535);
    env.problem('SOMETHING must be something else');
    let thrown: unknown;
    try {
      env.throwIfInvalid('Invalid app configuration', (m) => new AppConfigError(m));
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(AppConfigError);
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as Error).message).toBe(
      'Invalid app configuration:\n' +
        '  - KAFKA_BROKERS must list at least one host:port\n' +
        '  - PORT must be an integer between 0 and 65535 (got "eighty")\n' +
        '  - SOMETHING must be something else',
    );
    expect(() => env.throwIfInvalid('Invalid configuration')).toThrow(ConfigError);
  });
});
