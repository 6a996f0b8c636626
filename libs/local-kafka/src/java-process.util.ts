import { execFile } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** `$JAVA_HOME/bin/java` when JAVA_HOME points at a JDK/JRE, else `java` from the PATH. */
export function resolveJavaBin(env: NodeJS.ProcessEnv = process.env): string {
  const fromHome = env.JAVA_HOME ? join(env.JAVA_HOME, 'bin', 'java') : undefined;
  return fromHome && existsSync(fromHome) ? fromHome : 'java';
}

/**
 * Shell wrapper that runs `"$@"` (the java command) so that java never outlives Node:
 * - java runs in the background with stdin from /dev/null and output appended to $1/java.out,
 *   which the shell creates before it forks (so the log exists even when java is killed before
 *   its own redirection ran);
 * - its pid is printed on stdout (the first and only line);
 * - a watchdog reads the stdin pipe from Node: when it closes (Node exits, crashes or is killed,
 *   even by SIGKILL) it marks the data directory for removal, sends SIGTERM to java and SIGKILL
 *   20 s later if java is still there;
 * - when java has exited, the data directory $1 is removed if it is marked with .remove-on-exit
 *   (by the watchdog, or by Node once the broker was up) and not with .keep (a data dir kept
 *   across runs, as `npm start` keeps one). A failed start, which Node ends by signalling java
 *   directly, keeps its logs for reading.
 * fd 3 carries the pipe into the watchdog: a background list in a non-interactive shell gets
 * /dev/null as its stdin.
 */
export const WATCHDOG_LAUNCHER = `
data="$1"; shift
: >>"$data/java.out"
"$@" </dev/null >>"$data/java.out" 2>&1 &
jpid=$!
echo "$jpid"
exec 3<&0
(
  while read -r _; do :; done <&3
  : >"$data/.remove-on-exit" 2>/dev/null
  kill -TERM "$jpid" 2>/dev/null || exit 0
  i=0
  while kill -0 "$jpid" 2>/dev/null && [ "$i" -lt 200 ]; do sleep 0.1; i=$((i + 1)); done
  kill -KILL "$jpid" 2>/dev/null
) &
wpid=$!
exec 3<&- 0</dev/null
wait "$jpid"
rc=$?
kill "$wpid" 2>/dev/null
if [ -f "$data/.remove-on-exit" ] && [ ! -f "$data/.keep" ]; then rm -rf "$data"; fi
exit "$rc"
`;

/** Resolves true once the child has exited, false after `timeoutMs`. */
export function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.off('exit', onExit);
      resolve(false);
    }, timeoutMs);
    const onExit = (): void => {
      clearTimeout(timer);
      resolve(true);
    };
    child.once('exit', onExit);
  });
}

/** Sends a signal, ignoring a process that is already gone. */
export function signalProcess(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Runs a short-lived java command and returns its output; rejects with that output on failure. */
export function runJava(javaBin: string, args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(javaBin, args, { timeout: timeoutMs, maxBuffer: 4 * 1024 * 1024 }, (error, stdout, stderr) => {
      const output = `${stdout}${stderr}`.trim();
      if (error) {
        const reason =
          (error as NodeJS.ErrnoException).code === 'ENOENT'
            ? `${javaBin} not found: install Java 17+ or set JAVA_HOME`
            : error.message;
        reject(new Error(`${reason}\n${output}`.trim()));
      } else {
        resolve(output);
      }
    });
  });
}
