// The apps as operators run them (`node <build>/apps/<app>/src/main.js`), built once per test run
// by global-setup.ts; specs only run them and never build.
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

/**
 * Where the test build lives, relative to the repository root. It is laid out as the repository
 * is (the swc output in `dist/` under it, the CLI's bin in `apps/cli/bin/`), so the bin finds the
 * build where it always looks, `../../../dist/apps/cli/src/main.js`. It sits inside the
 * repository's dist/ (git-ignored, outside Jest's module map) but apart from dist/apps, so a test
 * run never rewrites the files a gateway, `npm start` or a benchmark someone runs from
 * `npm run build` is using.
 */
export const TEST_BUILD_ROOT = join('dist', 'test-build');

/** The built entry point of an app, relative to the repository root (tests run from there). */
export function builtMain(app: 'gateway' | 'router' | 'subscriber-demo'): string {
  return join(TEST_BUILD_ROOT, 'dist', 'apps', app, 'src', 'main.js');
}

/** The `lienthong` bin (a copy of apps/cli/bin/lienthong) over the test build, as an absolute path. */
export function builtCliBin(): string {
  return resolve(TEST_BUILD_ROOT, 'apps', 'cli', 'bin', 'lienthong');
}

/**
 * Builds apps and libs with `npm run build`'s swc options into a fresh TEST_BUILD_ROOT (bench is
 * left out: no test runs it) and puts the CLI's bin beside it. Called by global-setup.ts only.
 */
export async function buildForTests(rootDir: string): Promise<void> {
  const root = join(rootDir, TEST_BUILD_ROOT);
  // Fresh each run: a source deleted since the last run must not live on in the build.
  rmSync(root, { recursive: true, force: true });
  const swc = join(rootDir, 'node_modules', '@swc', 'cli', 'bin', 'swc.js');
  const args = [
    swc,
    'apps',
    'libs',
    '--out-dir',
    join(TEST_BUILD_ROOT, 'dist'),
    '--copy-files',
    '--ignore',
    '**/*.spec.ts',
    '--config-file',
    '.swcrc',
    '--quiet',
  ];
  try {
    await promisify(execFile)(process.execPath, args, { cwd: rootDir, maxBuffer: 16 * 1024 * 1024 });
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string };
    throw new Error(`the test build failed:\n${failed.stdout ?? ''}${failed.stderr ?? String(error)}`, {
      cause: error,
    });
  }
  const cliDir = join(root, 'apps', 'cli');
  mkdirSync(join(cliDir, 'bin'), { recursive: true });
  copyFileSync(join(rootDir, 'apps', 'cli', 'bin', 'lienthong'), join(cliDir, 'bin', 'lienthong'));
  // "type": "module", which the extension-less bin relies on.
  copyFileSync(join(rootDir, 'apps', 'cli', 'package.json'), join(cliDir, 'package.json'));
}
