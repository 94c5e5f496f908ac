/**
 * servers.setup: vitest's global setup for the suites that need a server (issue 13 section 4). It checks once per
 * run whether Redis answers at GOCSP_REDIS_URL (default redis://127.0.0.1:6379) and provides the answer to the specs
 * (`inject('redisUp')`). When it does not, the Redis suites skip, and this prints the one line saying which suites
 * did not run and how to start the server; under CI=true those suites fail instead (spec/patterns/redis/redis-env.ts).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    redisUp: boolean;
  }
}

const REDIS_URL = process.env.GOCSP_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** ping sends PING on a raw socket and reports whether +PONG came back within a second. */
function ping(url: string): Promise<boolean> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const s = connect({ host: u.hostname || '127.0.0.1', port: Number(u.port || 6379) });
    const done = (ok: boolean): void => {
      clearTimeout(timer);
      s.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), 1000);
    s.on('connect', () => s.write(u.password ? `AUTH ${decodeURIComponent(u.password)}\r\nPING\r\n` : 'PING\r\n'));
    s.on('data', (d) => {
      if (d.toString().includes('+PONG')) done(true);
    });
    s.on('error', () => done(false));
  });
}

export default async function setup(project: TestProject): Promise<void> {
  const up = await ping(REDIS_URL);
  project.provide('redisUp', up);
  if (!up && process.env.CI !== 'true') {
    const dir = new URL('./patterns/redis/', import.meta.url);
    const suites = readdirSync(dir).filter((f) => f.endsWith('.spec.ts') && readFileSync(new URL(f, dir), 'utf8').includes('redisSuite('));
    console.log(
      `gocsp: Redis not reachable at ${REDIS_URL}: skipped spec/patterns/redis/{${suites.join(',')}} and the ` +
        `examples that use ioredis; ` +
        `start it with \`redis-server --port 6379 --save '' --appendonly no\` or set GOCSP_REDIS_URL`,
    );
  }
}
