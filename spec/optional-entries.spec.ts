/**
 * The optional entries stay optional: the core entries (`gocsp`, `gocsp/runtime`, `gocsp/patterns`) never load
 * `gocsp/redis` (patterns/redis/) nor its peer dependency ioredis, so a user of the core installs and loads neither.
 *
 * Checked twice: statically, by walking every import (static, re-export and literal dynamic import) reachable from
 * the core entries; and at run time, by importing the core entries in a child process and looking for ioredis in
 * the module cache (with a control: the same check sees ioredis once something does import it).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const CORE = ['index.ts', 'runtime/index.ts', 'patterns/index.ts'];

/** reachable is every file and bare specifier that `entries` import, transitively (relative paths from the root). */
function reachable(entries: readonly string[]): { files: Set<string>; bare: Set<string> } {
  const files = new Set<string>();
  const bare = new Set<string>();
  const queue = [...entries];
  while (queue.length > 0) {
    const f = queue.pop()!;
    if (files.has(f)) continue;
    files.add(f);
    const info = ts.preProcessFile(readFileSync(join(ROOT, f), 'utf8'), true, true);
    for (const { fileName } of info.importedFiles) {
      if (!fileName.startsWith('.')) {
        bare.add(fileName);
        continue;
      }
      const abs = resolve(ROOT, dirname(f), fileName);
      const candidates = [abs.replace(/\.js$/, '.ts'), abs.replace(/\.mjs$/, '.mts'), abs];
      const hit = candidates.find((c) => existsSync(c));
      if (hit !== undefined) queue.push(relative(ROOT, hit).split('\\').join('/'));
    }
  }
  return { files, bare };
}

/** loaded imports `modules` in a child process under tsx and returns the module-cache entries naming ioredis. */
function ioredisLoaded(modules: readonly string[]): string[] {
  const code = [
    "import { createRequire } from 'node:module';",
    ...modules.map((m) => `await import(${JSON.stringify(m)});`),
    "const cache = createRequire(import.meta.url).cache;",
    "console.log(JSON.stringify(Object.keys(cache).filter((k) => k.includes('/node_modules/ioredis/'))));",
  ].join('\n');
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as string[];
}

describe('optional entries', () => {
  it('declares gocsp/redis as its own entry and ioredis as an optional peer dependency', () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      exports: Record<string, { types: string; default: string }>;
      peerDependencies: Record<string, string>;
      peerDependenciesMeta: Record<string, { optional?: boolean }>;
      dependencies?: Record<string, string>;
    };
    expect(manifest.exports['./redis']).toEqual({
      types: './dist/patterns/redis/index.d.ts',
      default: './dist/patterns/redis/index.js',
    });
    expect(manifest.peerDependencies['ioredis']).toBeDefined();
    expect(manifest.peerDependenciesMeta['ioredis']?.optional).toBe(true);
    expect(manifest.dependencies ?? {}).toEqual({});
  });

  it('has no import path from the core entries to patterns/redis or ioredis', () => {
    const { files, bare } = reachable(CORE);
    expect([...files].filter((f) => f.startsWith('patterns/redis/'))).toEqual([]);
    expect([...bare].filter((b) => b === 'ioredis' || b.startsWith('ioredis/'))).toEqual([]);
    expect(files.has('patterns/rate-limiters/token-bucket.ts')).toBe(true); // the walk does reach the patterns
  });

  it('loads no ioredis when a program imports the core entries', () => {
    expect(ioredisLoaded(CORE.map((f) => `./${f}`))).toEqual([]);
  }, 60_000);

  it('sees ioredis in the module cache once something imports it (the check can fail)', () => {
    expect(ioredisLoaded(['./patterns/redis/index.ts', 'ioredis']).length).toBeGreaterThan(0);
  }, 60_000);
});
