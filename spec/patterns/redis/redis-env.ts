/**
 * redis-env: what the Redis suites share. The server they run against (GOCSP_REDIS_URL), whether it answered
 * (spec/servers.setup.ts), a suite wrapper that skips when it did not (or fails, under CI=true), unique key
 * prefixes cleaned up after each test, private redis-server instances for the fault tests, and node child processes.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { describe, inject, it } from 'vitest';

export const REDIS_URL = process.env.GOCSP_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * redisSuite is describe() for a suite that needs Redis: it runs when the server answered, skips when it did not
 * (servers.setup.ts printed the one line saying so), and fails with one test under CI=true.
 */
export function redisSuite(name: string, body: () => void): void {
  if (inject('redisUp')) {
    describe(name, body);
  } else if (process.env.CI === 'true') {
    describe(name, () => {
      it('needs Redis', () => {
        throw new Error(`Redis is not reachable at ${REDIS_URL}, and CI=true makes that a failure`);
      });
    });
  } else {
    describe.skip(name, body);
  }
}

/** prefix is a key prefix no other test (nor another helper's run) uses. */
export function prefix(name: string): string {
  return `gocsp-test:${name}:${process.pid}:${Math.random().toString(36).slice(2, 10)}:`;
}

/** clients made by client(), closed by closeClients(). */
const made: Redis[] = [];

/** client is a new ioredis client on `url` (the shared server by default; ioredis's defaults), closed by closeClients(). */
export function client(url = REDIS_URL): Redis {
  const r = new Redis(url);
  r.on('error', () => {}); // connection errors are what the fault tests are about; the limiter reports them
  made.push(r);
  return r;
}

/** Counted is a client that counts the scripts it runs (EVALSHA and EVAL calls). */
export interface Counted {
  readonly status: string;
  scripts: number;
  evalsha(sha: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>;
  eval(script: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>;
}

/** counted wraps `r` in a client that counts its script calls (how many round trips the limiter made). */
export function counted(r: Redis): Counted {
  return {
    get status() {
      return r.status;
    },
    scripts: 0,
    evalsha(sha, numKeys, ...args) {
      this.scripts++;
      return r.evalsha(sha, numKeys, ...args);
    },
    eval(script, numKeys, ...args) {
      this.scripts++;
      return r.eval(script, numKeys, ...args);
    },
  };
}

/** closeClients disconnects every client made by client(). */
export function closeClients(): void {
  for (const r of made.splice(0)) r.disconnect();
}

/** cleanup deletes every key under `p` (SCAN, not KEYS: the server is shared). */
export async function cleanup(r: Redis, p: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await r.scan(cursor, 'MATCH', `${p}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await r.del(...keys);
  } while (cursor !== '0');
}

/** freePort is a TCP port nobody listens on now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

/** PrivateRedis is a redis-server of a test's own, on a free port, with no persistence. */
export class PrivateRedis {
  #proc: ChildProcess | null = null;
  constructor(readonly port: number) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  static async start(): Promise<PrivateRedis> {
    const r = new PrivateRedis(await freePort());
    await r.restart();
    return r;
  }

  /** restart starts the server (again) on the same port and waits until it answers PING. */
  async restart(): Promise<void> {
    this.#proc = spawn('redis-server', ['--port', String(this.port), '--save', '', '--appendonly', 'no', '--bind', '127.0.0.1'], {
      stdio: 'ignore',
    });
    const probe = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => {});
    try {
      for (let i = 0; i < 100; i++) {
        try {
          await probe.connect();
          await probe.ping();
          return;
        } catch {
          probe.disconnect();
          await new Promise((res) => setTimeout(res, 50));
        }
      }
      throw new Error(`redis-server on port ${this.port} did not start`);
    } finally {
      probe.disconnect();
    }
  }

  /** kill9 kills the server with SIGKILL (no shutdown, no goodbye to clients) and waits for it to be gone. */
  async kill9(): Promise<void> {
    const p = this.#proc;
    this.#proc = null;
    if (p === null || p.exitCode !== null) return;
    const gone = new Promise((res) => p.once('exit', res));
    p.kill('SIGKILL');
    await gone;
  }
}

/** Child is a node child process running a TypeScript fixture under tsx; `result` resolves to its RESULT line. */
export interface Child<T> {
  readonly proc: ChildProcess;
  readonly result: Promise<T>;
}

/**
 * child runs `spec/patterns/redis/fixtures/<file>` with `args` in a node child process (tsx as the loader: a child's
 * main thread gets tsx's hooks from --import) and resolves to the JSON of the line it prints as `RESULT <json>`.
 */
export function child<T>(file: string, args: readonly string[]): Child<T> {
  const proc = spawn(process.execPath, ['--import', 'tsx', `spec/patterns/redis/fixtures/${file}`, ...args], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  let out = '';
  let err = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const result = new Promise<T>((resolve, reject) => {
    proc.on('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('RESULT '));
      if (code === 0 && line !== undefined) resolve(JSON.parse(line.slice(7)) as T);
      else reject(new Error(`${file} exited with ${code}: ${err.slice(0, 2000)}${out.slice(0, 500)}`));
    });
  });
  return { proc, result };
}
