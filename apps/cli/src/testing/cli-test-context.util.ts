import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CliContext } from '../common/cli-context.js';

/** A `CliContext` for specs: output captured, files in a fresh temporary directory. */
export interface TestContext extends CliContext {
  readonly out: string;
  readonly err: string;
  /** Writes a file into the working directory; returns its name there. */
  file(name: string, content: string | Uint8Array): string;
  /** Removes the working directory. */
  cleanup(): void;
}

export function createTestContext(
  options: { env?: Record<string, string>; fetch?: typeof globalThis.fetch; cwd?: string } = {},
): TestContext {
  const cwd = options.cwd ?? mkdtempSync(join(tmpdir(), 'lienthong-cli-'));
  let out = '';
  let err = '';
  return {
    env: options.env ?? {},
    cwd,
    stdout: (text) => void (out += text),
    stderr: (text) => void (err += text),
    fetch:
      options.fetch ??
      (() => Promise.reject(new TypeError('fetch failed', { cause: new Error('no network in this spec') }))),
    get out() {
      return out;
    },
    get err() {
      return err;
    },
    file(name, content) {
      writeFileSync(join(cwd, name), content);
      return name;
    },
    cleanup: () => rmSync(cwd, { recursive: true, force: true }),
  };
}
