/**
 * What a command may touch besides files: the environment, the two output streams and the
 * network. `main.ts` binds it to the process; specs bind it to buffers and a local fetch.
 */
export interface CliContext {
  env: Readonly<Record<string, string | undefined>>;
  /** Relative file names are resolved against it. */
  cwd: string;
  /** Results: what a script pipes on (a token, a JSON answer). */
  stdout(text: string): void;
  /** Diagnostics: refusals, warnings, hints. */
  stderr(text: string): void;
  fetch: typeof globalThis.fetch;
}

/** The context of the running process. */
export function processContext(): CliContext {
  return {
    env: process.env,
    cwd: process.cwd(),
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
    fetch: globalThis.fetch,
  };
}
