/**
 * The NATS server of the network-channel specs: GOCSP_NATS_URL (default nats://127.0.0.1:4222), whether it is
 * reachable, unique channel names, and private servers for the fault tests.
 *
 * When no server answers, the suites skip (spec/servers.setup.ts prints the one line saying which suites did not run
 * and how to start a server); under CI=true an unreachable server fails instead, so CI always runs them.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import { inject } from 'vitest';

export const NATS_URL = process.env['GOCSP_NATS_URL'] ?? 'nats://127.0.0.1:4222';

/**
 * natsReachable reports whether the server at NATS_URL answered with JetStream enabled (checked once per run, by
 * spec/servers.setup.ts); under CI=true an unreachable server throws instead.
 */
export async function natsReachable(): Promise<boolean> {
  if (inject('natsUp')) return true;
  if (process.env['CI'] === 'true') {
    throw new Error(`NATS with JetStream is not reachable at ${NATS_URL} (GOCSP_NATS_URL), and CI=true requires it`);
  }
  return false;
}

/** uniqueName is a channel name no other test (of this run or another) uses. */
export function uniqueName(tag: string): string {
  return `t-${tag}-${process.pid}-${Math.random().toString(36).slice(2, 10)}`;
}

/** freePort asks the OS for a free TCP port. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (typeof a === 'object' && a !== null ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}

/** PrivateServer is a nats-server of one test: its own port and temporary store, killed and restarted at will. */
export class PrivateServer {
  readonly store = mkdtempSync(join(tmpdir(), 'gocsp-nats-store-'));
  #proc: ChildProcess | null = null;
  /** `conf` is more of the server's configuration file (accounts, users), or none. */
  constructor(
    readonly port: number,
    readonly conf = '',
  ) {}

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  /** start starts the server and resolves once it accepts JetStream requests. */
  async start(): Promise<void> {
    const args = ['-js', '-a', '127.0.0.1', '-p', String(this.port), '-sd', this.store];
    if (this.conf !== '') {
      const file = join(this.store, 'server.conf');
      writeFileSync(file, this.conf);
      args.push('-c', file);
    }
    const proc = spawn('nats-server', args, { stdio: 'ignore' });
    this.#proc = proc;
    // If this test process ends without dispose (a crash, a killed run), the server must not outlive it.
    const reap = (): void => void proc.kill('SIGKILL');
    process.once('exit', reap);
    proc.once('exit', () => process.off('exit', reap));
    const until = Date.now() + 15_000;
    for (;;) {
      try {
        const nc = await connect({ servers: this.url, timeout: 500, reconnect: false });
        try {
          const r = await nc.request('$JS.API.INFO', undefined, { timeout: 1000 });
          if (!JSON.parse(new TextDecoder().decode(r.data)).error) return;
        } finally {
          await nc.close();
        }
      } catch {
        // not up yet
      }
      if (Date.now() > until) throw new Error(`nats-server on port ${this.port} did not start`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** kill9 kills the server with SIGKILL and waits for it to be gone. */
  kill9(): Promise<void> {
    return this.stop('SIGKILL');
  }

  /** stop sends the server `signal` (SIGTERM: it shuts down cleanly) and waits for it to be gone. */
  async stop(signal: NodeJS.Signals): Promise<void> {
    const p = this.#proc;
    this.#proc = null;
    if (p === null || p.exitCode !== null) return;
    const gone = new Promise((r) => p.once('exit', r));
    p.kill(signal);
    await gone;
  }

  /** dispose kills the server and removes its store. */
  async dispose(): Promise<void> {
    await this.kill9();
    rmSync(this.store, { recursive: true, force: true });
  }
}
