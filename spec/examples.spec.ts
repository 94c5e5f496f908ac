/**
 * Every example program runs and prints what its closing `// Output:` comment says. For a program that ends on
 * stderr (the deadlock example), the stderr block is compared without its stack lines, whose paths vary.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, inject, it } from 'vitest';
import { runFixture } from './fixtures/run.js';
import { natsReachable } from './runtime/nats/server.js';

interface Expected {
  stdout: string;
  stderr: string | null;
  code: number;
}

function expected(source: string): Expected {
  const lines = source.split('\n');
  const block = (header: RegExp): string[] | null => {
    const at = lines.findIndex((l) => header.test(l));
    if (at < 0) return null;
    const out: string[] = [];
    for (const l of lines.slice(at + 1)) {
      if (!l.startsWith('//') || /^\/\/ Output/.test(l)) break;
      out.push(l.replace(/^\/\/ ?/, ''));
    }
    return out;
  };
  const plain = block(/^\/\/ Output:$/);
  if (plain !== null) return { stdout: plain.join('\n') + '\n', stderr: null, code: 0 };
  const out = block(/^\/\/ Output \(stdout\):$/) ?? [];
  const errHeader = lines.find((l) => /^\/\/ Output \(stderr\), exit code \d+:$/.test(l));
  const err = block(/^\/\/ Output \(stderr\), exit code \d+:$/) ?? [];
  return {
    stdout: out.length ? out.join('\n') + '\n' : '',
    stderr: err.filter((l) => !l.startsWith('\tat ')).join('\n'),
    code: errHeader ? Number(/exit code (\d+)/.exec(errHeader)![1]) : 0,
  };
}

const dir = new URL('../examples/', import.meta.url);
const examples = readdirSync(dir, { recursive: true })
  .map(String)
  .filter((f) => f.endsWith('.ts') && !f.split('/').includes('tasks')) // tasks/: modules run on workers
  .sort();

// The NATS examples of examples/distributed/ need a server: without one they skip (one line says so; under CI=true,
// a failure).
const natsUp = !examples.some((f) => readFileSync(new URL(f, dir), 'utf8').includes('@nats-io/')) || (await natsReachable());

describe('examples', () => {
  it('has the examples the README promises', () => {
    for (const f of [
      'ping-pong.ts',
      'prime-sieve.ts',
      'timeout-select.ts',
      'context-cancel.ts',
      'deadlock.ts',
      'deadlock-threads.ts',
      'parallel-primes.ts',
      'shared-pipeline.ts',
      'one-file.ts',
      'streams.ts',
      'request-reply.ts',
    ]) {
      expect(examples).toContain(f);
    }
  });

  for (const file of examples) {
    const source = readFileSync(new URL(file, dir), 'utf8');
    const distributed = file.startsWith('distributed/');
    // An example of gocsp/redis or gocsp/nats needs its server: it skips without one (one line says so), except in CI.
    const skip =
      process.env.CI !== 'true' &&
      ((source.includes("from 'ioredis'") && !inject('redisUp')) || (source.includes('@nats-io/') && !natsUp));
    it.skipIf(skip)(`${file} prints what its Output comment says`, { timeout: 120_000 }, () => {
      const want = expected(source);
      // The distributed examples start processes of their own (each a tsx start): give them time.
      const r = runFixture(`examples/${file}`, distributed ? { timeoutMs: 80_000 } : {});
      expect(r.stdout).toBe(want.stdout);
      expect(r.code).toBe(want.code);
      if (want.stderr !== null) {
        const got = r.stderr
          .trimEnd()
          .split('\n')
          .filter((l) => !l.startsWith('\tat '))
          .join('\n');
        expect(got).toBe(want.stderr);
      }
    });
  }
});

describe('examples that say their output does not depend on the machine', () => {
  // They run on virtual time (synctest.run); the token bucket was the first, the others follow it.
  for (const name of ['token-bucket', 'sliding-window', 'leaky-bucket', 'metrics-prometheus']) {
    it(`patterns/${name}.ts prints the same with its event loop stalled for 250 ms at the start`, () => {
      const file = `examples/patterns/${name}.ts`;
      const want = expected(readFileSync(new URL(`patterns/${name}.ts`, dir), 'utf8'));
      // A machine under load: once the program has started, the event loop is held up for 250 ms, so every real
      // timer due meanwhile fires late.
      const r = runFixture(
        `await import('./${file}');
         setTimeout(() => { const end = Date.now() + 250; while (Date.now() < end); }, 0);`,
        { eval: true },
      );
      expect(r.stderr).toBe('');
      expect(r.stdout).toBe(want.stdout);
      expect(r.code).toBe(0);
    });
  }
});
