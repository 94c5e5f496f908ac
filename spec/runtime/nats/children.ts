/** Child processes of the network-channel specs: TypeScript programs under tsx, their stdout read line by line. */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Child is a running child process and the lines it printed so far. */
export class Child {
  readonly lines: string[] = [];
  readonly exited: Promise<number | null>;
  readonly #proc: ChildProcess;
  #stderr = '';
  #waiters: { test: (l: string) => boolean; resolve: () => void }[] = [];

  constructor(script: string, args: readonly string[]) {
    this.#proc = spawn(process.execPath, ['--import', 'tsx', `spec/runtime/nats/children/${script}`, ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NODE_OPTIONS: '' },
    });
    let rest = '';
    this.#proc.stdout!.setEncoding('utf8').on('data', (d: string) => {
      const parts = (rest + d).split('\n');
      rest = parts.pop()!;
      for (const l of parts) {
        this.lines.push(l);
        this.#waiters = this.#waiters.filter((w) => !(w.test(l) && (w.resolve(), true)));
      }
    });
    this.#proc.stderr!.setEncoding('utf8').on('data', (d: string) => (this.#stderr += d));
    this.exited = new Promise((r) => this.#proc.once('exit', (code) => r(code)));
    // A child must not outlive the test process (a crash, a killed run).
    const reap = (): void => void this.#proc.kill('SIGKILL');
    process.once('exit', reap);
    this.#proc.once('exit', () => process.off('exit', reap));
  }

  get stderr(): string {
    return this.#stderr;
  }

  /** waitFor resolves once a printed line passes `test` (lines already printed count). */
  waitFor(test: (l: string) => boolean, timeoutMs = 60_000): Promise<void> {
    if (this.lines.some(test)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`child: no such line within ${timeoutMs} ms; stderr: ${this.#stderr}`)), timeoutMs);
      this.#waiters.push({ test, resolve: () => (clearTimeout(t), resolve()) });
    });
  }

  /** count is how many printed lines pass `test`. */
  count(test: (l: string) => boolean): number {
    return this.lines.filter(test).length;
  }

  /** kill9 kills the process with SIGKILL and waits for its exit. */
  async kill9(): Promise<void> {
    if (this.#proc.exitCode === null && this.#proc.signalCode === null) this.#proc.kill('SIGKILL');
    await this.exited;
  }
}

/** received parses a consumer's `R <p> <i> <ms>` lines: the value and when it was received (Date.now()). */
export function received(c: Child): { p: number; i: number; t: number }[] {
  return c.lines.filter((l) => l.startsWith('R ')).map((l) => {
    const [, p, i, t] = l.split(' ');
    return { p: Number(p), i: Number(i), t: Number(t) };
  });
}
