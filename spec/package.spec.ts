/**
 * The published package works as compiled JS under plain node: it builds with tsconfig.build.json, and a program
 * that imports `gocsp`, `gocsp/runtime` and `gocsp/patterns` through the exports map runs, with types resolving.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../', import.meta.url));
let tmp = '';

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'gocsp-pkg-'));
  const pkg = join(tmp, 'gocsp');
  mkdirSync(pkg);
  execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json'), '--outDir', join(pkg, 'dist')], {
    cwd: root,
  });
  cpSync(join(root, 'package.json'), join(pkg, 'package.json'));
  const app = join(tmp, 'app');
  mkdirSync(join(app, 'node_modules'), { recursive: true });
  symlinkSync(pkg, join(app, 'node_modules', 'gocsp'), 'dir');
  writeFileSync(join(app, 'package.json'), '{"type":"module"}');
}, 120_000);

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('compiled package', () => {
  it('runs a program importing gocsp through its exports map under plain node', () => {
    const app = join(tmp, 'app');
    writeFileSync(
      join(app, 'main.mjs'),
      `import { go, chan, select, recvCase, after, main } from 'gocsp';
       import * as runtime from 'gocsp/runtime';
       import * as patterns from 'gocsp/patterns';
       main(async () => {
         const c = chan(1);
         go(async () => { await c.send(41); });
         const v = await select([recvCase(c, (x) => x + 1), recvCase(after(5000), () => -1)]);
         console.log(v, typeof runtime.chan, typeof patterns);
       });`,
    );
    const r = spawnSync(process.execPath, ['main.mjs'], { cwd: app, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('42 function object\n');
  });

  it('reports a deadlock from compiled JS with runtime frames filtered out', () => {
    const app = join(tmp, 'app');
    writeFileSync(join(app, 'dead.mjs'), `import { main, chan } from 'gocsp'; main(async () => { await chan().recv(); });`);
    const plain = spawnSync(process.execPath, ['dead.mjs'], { cwd: app, encoding: 'utf8' });
    expect(plain.status).toBe(2);
    expect(plain.stderr).toBe('fatal error: all goroutines are asleep - deadlock!\n\ngoroutine 1 [chan receive]:\n');
    const env = { ...process.env, GOCSP_TRACEBACK: 'stacks' };
    const r = spawnSync(process.execPath, ['dead.mjs'], { cwd: app, encoding: 'utf8', env });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^fatal error: all goroutines are asleep - deadlock!\n\ngoroutine 1 \[chan receive\]:\n\tat .*dead\.mjs/);
    expect(r.stderr).not.toContain('/dist/runtime/');
  });

  it('ships declaration files for every entry point', () => {
    const pkg = JSON.parse(readFileSync(join(tmp, 'gocsp', 'package.json'), 'utf8')) as {
      exports: Record<string, { types: string; default: string }>;
    };
    for (const [entry, target] of Object.entries(pkg.exports)) {
      expect(Object.keys(target)[0], entry).toBe('types');
      expect(() => readFileSync(join(tmp, 'gocsp', target.types)), entry).not.toThrow();
      expect(() => readFileSync(join(tmp, 'gocsp', target.default)), entry).not.toThrow();
    }
  });
});
