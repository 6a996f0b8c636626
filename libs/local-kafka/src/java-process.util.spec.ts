import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from '@jest/globals';

import { isProcessAlive, waitForExit, WATCHDOG_LAUNCHER } from './java-process.util.js';

/** The launcher with `sleep` standing in for java. */
async function launch(dataDir: string, ...command: string[]) {
  const child = spawn('sh', ['-c', WATCHDOG_LAUNCHER, 'launcher-spec', dataDir, ...command], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const pid = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) resolve(Number(out.trim()));
    });
    child.once('exit', () => reject(new Error('launcher exited early')));
  });
  return { child, pid };
}

describe('WATCHDOG_LAUNCHER', () => {
  let dataDir: string | undefined;
  afterEach(async () => {
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('stops the command and removes the data dir when its stdin pipe closes', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'lienthong-launcher-spec-'));
    const { child, pid } = await launch(dataDir, 'sleep', '60');
    expect(isProcessAlive(pid)).toBe(true);

    child.stdin.end(); // what the OS does when Node dies, even by SIGKILL
    expect(await waitForExit(child, 10_000)).toBe(true);
    expect(isProcessAlive(pid)).toBe(false);
    expect(existsSync(dataDir)).toBe(false);
  });

  it('exits with the command and keeps an unmarked data dir (a failed start keeps its logs)', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'lienthong-launcher-spec-'));
    const { child } = await launch(dataDir, 'sh', '-c', 'echo boom; exit 3');
    expect(await waitForExit(child, 10_000)).toBe(true);
    expect(child.exitCode).toBe(3);
    expect(existsSync(join(dataDir, 'java.out'))).toBe(true);
    child.stdin.end();
  });

  it('keeps a data dir whose mark was taken back when the command is killed (a crash to restart from)', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'lienthong-launcher-spec-'));
    await writeFile(join(dataDir, '.remove-on-exit'), '');
    const { child, pid } = await launch(dataDir, 'sleep', '60');
    await rm(join(dataDir, '.remove-on-exit')); // what kill() does before SIGKILL
    // Killed at once: the log file exists even if the command's own redirection never ran
    // (CI once saw the data dir kept but no java.out, as the kill beat the fork).
    process.kill(pid, 'SIGKILL');
    expect(await waitForExit(child, 10_000)).toBe(true);
    expect(existsSync(dataDir)).toBe(true);
    expect(existsSync(join(dataDir, 'java.out'))).toBe(true);
    child.stdin.end();

    // A new launcher on the same data dir (restart) runs and, once marked again, cleans up.
    const again = await launch(dataDir, 'sleep', '60');
    await writeFile(join(dataDir, '.remove-on-exit'), '');
    again.child.stdin.end();
    expect(await waitForExit(again.child, 10_000)).toBe(true);
    expect(isProcessAlive(again.pid)).toBe(false);
    expect(existsSync(dataDir)).toBe(false);
  });

  it('removes a data dir marked by Node when the command exits by itself', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'lienthong-launcher-spec-'));
    await writeFile(join(dataDir, '.remove-on-exit'), '');
    const { child, pid } = await launch(dataDir, 'sleep', '60');
    process.kill(pid, 'SIGTERM'); // what stop() does
    expect(await waitForExit(child, 10_000)).toBe(true);
    expect(existsSync(dataDir)).toBe(false);
    child.stdin.end();
  });
});
