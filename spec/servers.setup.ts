/**
 * servers.setup: vitest's global setup for the suites that need a server (issue 13 section 4). It checks once per
 * run whether Redis answers at GOCSP_REDIS_URL (default redis://127.0.0.1:6379) and NATS with JetStream at
 * GOCSP_NATS_URL (default nats://127.0.0.1:4222), and provides the answers to the specs (`inject('redisUp')`,
 * `inject('natsUp')`). When a server does not answer, its suites
 * skip, and this prints the one line saying which suites did not run and how to start the servers; under CI=true
 * those suites fail instead.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    redisUp: boolean;
    natsUp: boolean;
  }
}

const REDIS_URL = process.env.GOCSP_REDIS_URL ?? 'redis://127.0.0.1:6379';
const NATS_URL = process.env.GOCSP_NATS_URL ?? 'nats://127.0.0.1:4222';

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

/** natsInfo reads the server's INFO line on a raw socket and reports whether JetStream is on, within a second. */
function natsInfo(url: string): Promise<boolean> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const s = connect({ host: u.hostname || '127.0.0.1', port: Number(u.port || 4222) });
    let text = '';
    const done = (ok: boolean): void => {
      clearTimeout(timer);
      s.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), 1000);
    s.on('data', (d) => {
      text += d.toString();
      if (text.includes('\r\n')) done(/"jetstream"\s*:\s*true/.test(text));
    });
    s.on('error', () => done(false));
  });
}

/** specsUsing lists the spec files of a folder whose text includes `marker`. */
function specsUsing(folder: string, marker: string): string {
  const dir = new URL(folder, import.meta.url);
  const files = readdirSync(dir).filter((f) => f.endsWith('.spec.ts') && readFileSync(new URL(f, dir), 'utf8').includes(marker));
  return `spec/${folder}{${files.join(',')}}`;
}

export default async function setup(project: TestProject): Promise<void> {
  const [redisUp, natsUp] = await Promise.all([ping(REDIS_URL), natsInfo(NATS_URL)]);
  project.provide('redisUp', redisUp);
  project.provide('natsUp', natsUp);
  if (process.env.CI === 'true') return; // the suites fail instead (redis-env.ts, runtime/nats/server.ts)
  const missing: string[] = [];
  if (!redisUp) {
    missing.push(
      `Redis at ${REDIS_URL} (GOCSP_REDIS_URL) did not answer: skipped ${specsUsing('patterns/redis/', 'redisSuite(')} ` +
        `and the examples that use ioredis; start it with \`redis-server --save '' --appendonly no\``,
    );
  }
  if (!natsUp) {
    missing.push(
      `NATS with JetStream at ${NATS_URL} (GOCSP_NATS_URL) did not answer: skipped ${specsUsing('runtime/nats/', 'natsReachable(')} ` +
        `and the NATS examples; start it with \`nats-server -js\``,
    );
  }
  if (missing.length > 0) console.log(`gocsp: ${missing.join('; ')}`);
}
