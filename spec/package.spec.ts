/**
 * The published package, as a user gets it: `npm pack` (which builds dist/ first), the tarball installed into a
 * fresh project, then a strict `nodenext` TypeScript consumer importing `gocsp`, `gocsp/runtime` and
 * `gocsp/patterns` type-checks, runs under plain node and under tsx, and CommonJS code loads it with `require()`.
 * The package carries its docs, what its README and docs link to, and source maps that carry their sources. A
 * program using thread tasks, bundled into one file by esbuild, runs its tasks on workers started on the bundle
 * itself. Every public export carries, in the built .d.ts, the doc comment an editor shows on hover.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../', import.meta.url));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
let tmp = '';
let app = '';
let pkg = '';

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'gocsp-pkg-'));
  const out = execFileSync(npm, ['pack', '--silent', '--pack-destination', tmp], { cwd: root, encoding: 'utf8' });
  const tarball = join(tmp, out.trim().split('\n').pop()!);
  app = join(tmp, 'app');
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), '{"name":"consumer","private":true,"type":"module"}');
  execFileSync(npm, ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', tarball], { cwd: app });
  pkg = join(app, 'node_modules', 'gocsp');
  // The consumer's own dev dependency: Node's types (the package's .d.ts refer to them, as any Node library's do).
  mkdirSync(join(app, 'node_modules', '@types'), { recursive: true });
  symlinkSync(join(root, 'node_modules', '@types', 'node'), join(app, 'node_modules', '@types', 'node'), 'dir');
}, 300_000);

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

const CONSUMER = `import { go, chan, select, recvCase, after, main, type RecvChan } from 'gocsp';
import * as runtime from 'gocsp/runtime';
import { FixedWorkerPool } from 'gocsp/patterns';

async function produce(out: runtime.SendChan<number>): Promise<void> {
  await out.send(41);
}

main(async () => {
  const c = chan<number>(1);
  go(produce, c);
  const r: RecvChan<number> = c;
  const v = await select([recvCase(r, (x) => x! + 1), recvCase(after(5000), () => -1)]);
  console.log(v, typeof runtime.chan, typeof FixedWorkerPool);
});
`;

describe('packed package', () => {
  it('carries its license, its docs, the documents they link to, and no source map without its sources', () => {
    expect(existsSync(join(pkg, 'LICENSE'))).toBe(true);
    const pages = readdirSync(join(pkg, 'docs')).filter((f) => f.endsWith('.md'));
    expect(pages.length).toBeGreaterThan(0);
    for (const doc of ['README.md', ...pages.map((f) => `docs/${f}`)]) {
      const text = readFileSync(join(pkg, doc), 'utf8');
      const links = [...text.matchAll(/\]\((?!https?:|#)([^)#\s]+)/g)].map((m) => m[1]!);
      if (doc === 'README.md') expect(links.length).toBeGreaterThan(0);
      for (const l of links) expect(existsSync(join(pkg, dirname(doc), l)), `${doc}: ${l}`).toBe(true);
    }
    const maps = readdirSync(join(pkg, 'dist'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.map'));
    for (const m of maps) {
      const map = JSON.parse(readFileSync(join(pkg, 'dist', m), 'utf8')) as { sources: string[]; sourcesContent?: string[] };
      expect(map.sourcesContent?.length, m).toBe(map.sources.length);
    }
  });

  it('declares tsx as an optional peer dependency, and types first in every export', () => {
    const manifest = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8')) as {
      exports: Record<string, { types: string; default: string }>;
      peerDependenciesMeta: Record<string, { optional: boolean }>;
    };
    expect(manifest.peerDependenciesMeta['tsx']?.optional).toBe(true);
    for (const [entry, target] of Object.entries(manifest.exports)) {
      expect(Object.keys(target)[0], entry).toBe('types');
      expect(existsSync(join(pkg, target.types)), entry).toBe(true);
      expect(existsSync(join(pkg, target.default)), entry).toBe(true);
    }
  });

  it('type-checks a strict nodenext consumer importing every entry point', () => {
    writeFileSync(join(app, 'consumer.ts'), CONSUMER);
    writeFileSync(
      join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          noUncheckedIndexedAccess: true,
          exactOptionalPropertyTypes: true,
          verbatimModuleSyntax: true,
          types: ['node'],
          outDir: 'out',
        },
        files: ['consumer.ts'],
      }),
    );
    const tsc = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', '.'], {
      cwd: app,
      encoding: 'utf8',
    });
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.status).toBe(0);
    const r = spawnSync(process.execPath, ['out/consumer.js'], { cwd: app, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('42 function function\n');
  }, 240_000);

  it('runs the TypeScript consumer under tsx', () => {
    writeFileSync(join(app, 'consumer.ts'), CONSUMER);
    const tsx = pathToFileURL(join(root, 'node_modules/tsx/dist/esm/index.mjs')).href;
    const r = spawnSync(process.execPath, ['--import', tsx, 'consumer.ts'], { cwd: app, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('42 function function\n');
  });

  it('loads with require() from CommonJS', () => {
    writeFileSync(
      join(app, 'consumer.cjs'),
      `const { chan } = require('gocsp');
       const { go } = require('gocsp/runtime');
       const { FixedWorkerPool } = require('gocsp/patterns');
       const c = chan(1);
       go(async () => { await c.send(7); });
       c.recv().then((v) => console.log(v, typeof FixedWorkerPool));`,
    );
    const r = spawnSync(process.execPath, ['--no-warnings', 'consumer.cjs'], { cwd: app, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('7 function\n');
  });

  it('reports a deadlock from compiled JS, with runtime frames filtered out of the stacks', () => {
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

  it('runs thread tasks from a program bundled into one file by esbuild', () => {
    // esbuild comes with tsx (a devDependency; its bin/esbuild is the native binary once its install script has
    // run); it reads the installed package as a user's build would.
    const esbuild = join(dirname(createRequire(import.meta.url).resolve('esbuild/package.json')), 'bin', 'esbuild');
    writeFileSync(join(app, 'bundled.ts'), BUNDLED);
    const build = spawnSync(
      esbuild,
      ['bundled.ts', '--bundle', '--platform=node', '--format=esm', '--minify', '--keep-names', '--outfile=out/bundled.mjs', '--log-level=warning'],
      { cwd: app, encoding: 'utf8' },
    );
    expect(build.stderr).toBe('');
    expect(build.status).toBe(0);
    // Nothing of the package is next to the bundle: the workers can only start on the bundle itself.
    const alone = join(tmp, 'alone');
    mkdirSync(alone);
    writeFileSync(join(alone, 'bundled.mjs'), readFileSync(join(app, 'out', 'bundled.mjs')));
    const r = spawnSync(process.execPath, ['bundled.mjs'], { cwd: alone, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('square 144 on a worker\nsum 5050\npool 1 4 9\n');
    expect(r.status).toBe(0);
  }, 120_000);

  it('documents every public export in the built .d.ts, as an editor shows it on hover', () => {
    const manifest = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8')) as { exports: Record<string, { types: string }> };
    const entries = Object.values(manifest.exports).map((e) => join(pkg, e.types));
    const program = ts.createProgram(entries, {
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      strict: true,
      noEmit: true,
      types: ['node'],
      typeRoots: [join(app, 'node_modules', '@types')],
    });
    const checker = program.getTypeChecker();
    const undocumented = new Set<string>();
    const noExample = new Set<string>();
    const exported = new Set<string>();
    for (const entry of entries) {
      const module = checker.getSymbolAtLocation(program.getSourceFile(entry)!)!;
      for (const e of checker.getExportsOfModule(module)) {
        exported.add(e.name);
        const s = e.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(e) : e;
        if (ts.displayPartsToString(s.getDocumentationComment(checker)).trim() === '') undocumented.add(e.name);
        else if (!s.getJsDocTags(checker).some((t) => t.name === 'example')) noExample.add(e.name);
      }
    }
    expect(exported.size).toBeGreaterThan(250);
    expect([...undocumented].sort()).toEqual([]);
    // Every public export's doc comment carries an @example: a new export without one fails here.
    expect([...noExample].sort()).toEqual([]);
  });
});

/** BUNDLED uses tasks three ways: goThread, go with a shared channel, and a worker pool; one task is not exported. */
const BUNDLED = `import { codec, go, goThread, main, sharedChan, task, type SendChan } from 'gocsp';
import { FixedWorkerPool } from 'gocsp/patterns';
import { isMainThread } from 'node:worker_threads';

export const square = task(function square(n: number): [number, boolean] {
  return [n * n, isMainThread];
});

const sumTo = task(async function sumTo(n: number, out: SendChan<number>): Promise<void> {
  let s = 0;
  for (let i = 1; i <= n; i++) s += i;
  await out.send(s);
});

const squareOnly = task(function squareOnly(n: number): number {
  return n * n;
});

main(async () => {
  const [sq, onMain] = await goThread(square, 12);
  console.log('square', sq, onMain ? 'on the main thread' : 'on a worker');
  const out = sharedChan(codec.int32, 1);
  go(sumTo, 100, out);
  console.log('sum', await out.recv());
  const pool = new FixedWorkerPool<number, number>(2, { task: squareOnly });
  console.log('pool', (await pool.submitBatch([1, 2, 3])).join(' '));
  await pool.stop();
});
`;
