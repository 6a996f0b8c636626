// The gateway as a child process (node <build>/apps/gateway/src/main.js, the test build that
// global-setup.ts makes), so a scenario can SIGKILL it mid-load and start it again on the same port.
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { pollUntil } from '../../support/poll-until.util.js';
import { builtMain } from '../../support/test-build.util.js';

/** A gateway child process on a fixed port that survives its own SIGKILL and restart. */
export class GatewayProcess {
  private child: ChildProcess | undefined;
  private output: string[] = [];

  constructor(
    readonly port: number,
    private readonly env: Record<string, string>,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Starts it and resolves once /health/ready answers 200. */
  async start(): Promise<void> {
    if (this.child) throw new Error('the gateway process is running');
    this.output = [];
    const child = spawn(process.execPath, [builtMain('gateway')], {
      cwd: process.cwd(),
      env: { ...process.env, HOST: '127.0.0.1', PORT: String(this.port), LOG_LEVEL: 'warn', ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    const keep = (chunk: Buffer): void => {
      this.output.push(chunk.toString());
      if (this.output.length > 200) this.output.shift();
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    await pollUntil(
      async () => {
        if (child.exitCode !== null || child.signalCode !== null) {
          throw new Error(`gateway exited: ${this.output.join('')}`);
        }
        return (await fetch(`${this.url}/health/ready`)).status === 200;
      },
      { timeoutMs: 90_000, intervalMs: 200, description: 'gateway process ready' },
    );
  }

  /** SIGKILL: no shutdown hook runs, requests in flight are cut, claims are left as they were. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await exited;
  }

  /** The last lines it wrote (for failure messages). */
  recentOutput(): string {
    return this.output.join('');
  }
}
