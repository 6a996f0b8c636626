import { readFileSync } from 'node:fs';

/** Thrown at boot with a message that names every wrong variable and what it must be. */
export class ConfigError extends Error {
  override readonly name: string = 'ConfigError';
}

const HOST_PORT = /^[A-Za-z0-9.-]+:[0-9]{1,5}$/;
const IPV6_PORT = /^\[[0-9a-fA-F:]+\]:[0-9]{1,5}$/;

/**
 * Reads typed values out of an environment and collects every problem instead of stopping at the
 * first, so one failed boot names all the wrong variables. An unset or empty variable takes its
 * default. Each reader returns the default when the value is wrong, so the caller can finish
 * building its object and call `throwIfInvalid` once.
 */
export class EnvReader {
  private readonly found: string[] = [];

  constructor(private readonly env: NodeJS.ProcessEnv) {}

  /** The problems found so far, in the order they were found. */
  get problems(): readonly string[] {
    return this.found;
  }

  /** Records a problem the typed readers do not cover (a format, a rule between variables). */
  problem(message: string): void {
    this.found.push(message);
  }

  /** The raw value, or undefined when unset or empty. */
  raw(name: string): string | undefined {
    const value = this.env[name];
    return value === undefined || value === '' ? undefined : value;
  }

  /**
   * A secret given as `NAME`, or as the file `NAME_FILE` names (its content trimmed; how compose
   * and Kubernetes pass secrets), at least `minLength` characters; undefined when neither is set.
   * The value never appears in a problem.
   */
  secret(name: string, minLength: number): string | undefined {
    const inline = this.raw(name);
    const file = this.raw(`${name}_FILE`);
    if (inline !== undefined && file !== undefined) {
      this.problem(`set ${name} or ${name}_FILE, not both`);
      return undefined;
    }
    let value = inline;
    if (file !== undefined) {
      try {
        value = readFileSync(file, 'utf8').trim();
      } catch (error) {
        this.problem(
          `${name}_FILE cannot be read: ${error instanceof Error ? error.message : String(error)}`,
        );
        return undefined;
      }
    }
    if (value !== undefined && value.length < minLength) {
      this.problem(
        `${file !== undefined ? `${name}_FILE must hold` : `${name} must be`} at least ${minLength} characters`,
      );
      return undefined;
    }
    return value;
  }

  /** An integer in [min, max]. */
  int(name: string, fallback: number, min: number, max: number): number {
    const raw = this.raw(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      this.problem(`${name} must be an integer between ${min} and ${max} (got "${raw}")`);
      return fallback;
    }
    return value;
  }

  /** `true`/`1` or `false`/`0`, any case, surrounding spaces ignored. */
  bool(name: string, fallback: boolean): boolean {
    const raw = this.raw(name);
    if (raw === undefined) return fallback;
    const value = raw.trim().toLowerCase();
    if (value === 'true' || value === '1') return true;
    if (value === 'false' || value === '0') return false;
    if (value === '') return fallback;
    this.problem(`${name} must be true or false (got "${raw}")`);
    return fallback;
  }

  /** One of `values`, compared trimmed and lower-cased. */
  oneOf<T extends string>(name: string, values: readonly T[], fallback: T): T {
    const raw = this.raw(name);
    if (raw === undefined) return fallback;
    const value = raw.trim().toLowerCase();
    if ((values as readonly string[]).includes(value)) return value as T;
    this.problem(`${name} must be one of ${values.join(', ')} (got "${raw}")`);
    return fallback;
  }

  /** A comma-separated list of Kafka bootstrap addresses (`host:port`, `[ipv6]:port`); required. */
  brokers(name: string): string[] {
    const brokers = (this.env[name] ?? '')
      .split(',')
      .map((b) => b.trim())
      .filter((b) => b.length > 0);
    if (brokers.length === 0) this.problem(`${name} must list at least one host:port`);
    for (const b of brokers) {
      if (!HOST_PORT.test(b) && !IPV6_PORT.test(b)) this.problem(`${name} entry "${b}" must be host:port`);
    }
    return brokers;
  }

  /**
   * A comma-separated list of durations in milliseconds, each an integer in [0, maxMs], between
   * 1 and `maxCount` of them. `fallback` is the default as it would be written in the variable.
   */
  durationsMs(name: string, fallback: string, options: { maxCount: number; maxMs: number }): number[] {
    const raw = this.raw(name) ?? fallback;
    const values = raw.split(',').map((d) => Number(d.trim()));
    if (
      values.length > options.maxCount ||
      values.some((d) => !Number.isInteger(d) || d < 0 || d > options.maxMs)
    ) {
      this.problem(
        `${name} must be 1 to ${options.maxCount} comma-separated delays in milliseconds (got "${raw}")`,
      );
    }
    return values;
  }

  /** A finite number in [min, max) — a ratio, a factor. */
  fraction(name: string, fallback: number, min: number, maxExclusive: number): number {
    const raw = this.raw(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < min || value >= maxExclusive) {
      this.problem(`${name} must be a number in [${min}, ${maxExclusive}) (got "${raw}")`);
      return fallback;
    }
    return value;
  }

  /**
   * Stops the boot when anything was wrong: `make` builds the app's error from the message
   * (`<heading>:` then one `  - <problem>` line per problem).
   */
  throwIfInvalid(heading: string, make: (message: string) => Error = (m) => new ConfigError(m)): void {
    if (this.found.length > 0) throw make(`${heading}:\n  - ${this.found.join('\n  - ')}`);
  }
}
