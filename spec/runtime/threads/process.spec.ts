/**
 * The scheduler seen from a whole program: it lets the process exit when idle, keeps it alive while task goroutines
 * run, reports a worker goroutine's panic with Go's report, and runs under plain node from the compiled package
 * (where the worker needs no TypeScript loader) as well as under tsx, one-file programs included.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFixture } from '../../fixtures/run.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));

describe('a program under tsx', () => {
  it('exits promptly once its only task goroutine has returned', () => {
    const r = runFixture(
      `import { goThread } from './runtime/index.ts';
       import { add } from './spec/runtime/threads/tasks/basic.ts';
       console.log(await goThread(add, 2, 3));`,
      { eval: true },
    );
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('5\n');
    expect(r.code).toBe(0);
    expect(r.ms).toBeLessThan(8000);
  });

  it('stays alive while a fire-and-forget task runs, and keeps what the worker printed', () => {
    const r = runFixture(
      `import { go } from './runtime/index.ts';
       import { hello } from './spec/runtime/threads/tasks/basic.ts';
       go(hello, 'child');`,
      { eval: true },
    );
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('hello from a worker, child\n');
    expect(r.code).toBe(0);
  });

  it('starts no worker for plain goroutines, even with task modules loaded', () => {
    const r = runFixture(
      `import { go } from './runtime/index.ts';
       import { runningThreads } from './runtime/threads/threads-lifecycle.ts';
       import { add } from './spec/runtime/threads/tasks/basic.ts';
       go(() => console.log('plain', add(1, 2), runningThreads()));`,
      { eval: true },
    );
    expect(r.stdout).toBe('plain 3 0\n');
    expect(r.code).toBe(0);
  });

  it("prints Go's panic report for a worker goroutine's panic and exits with 2", () => {
    const r = runFixture(
      `import { go } from './runtime/index.ts';
       import { fail } from './spec/runtime/threads/tasks/basic.ts';
       go(fail, 'closed');`,
      { eval: true },
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^panic: send on closed channel\n\ngoroutine 2 \[running\]:\n\tat .*tasks\/basic\.ts/);
  });
});

describe('the compiled package', () => {
  let tmp = '';

  beforeAll(() => {
    tmp = mkdtempSync(join(tmpdir(), 'gocsp-threads-'));
    const dist = join(tmp, 'plain', 'gocsp', 'dist');
    // Exit status ignored: other work in progress may fail type-checking; what matters is that these files emit.
    spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json'), '--outDir', dist], {
      cwd: root,
    });
    expect(existsSync(join(dist, 'runtime/threads/worker-main.js'))).toBe(true);
    cpSync(join(root, 'package.json'), join(tmp, 'plain', 'gocsp', 'package.json'));
    // What `npm run build` does after tsc.
    cpSync(join(root, 'runtime/threads/worker-entry.mjs'), join(dist, 'runtime/threads/worker-entry.mjs'));
    // A second copy that can resolve tsx (for a TypeScript task module with compiled gocsp).
    cpSync(join(tmp, 'plain'), join(tmp, 'ts'), { recursive: true });
    symlinkSync(join(root, 'node_modules'), join(tmp, 'ts', 'node_modules'), 'dir');
    for (const dir of ['plain', 'ts']) {
      mkdirSync(join(tmp, dir, 'app'));
      writeFileSync(join(tmp, dir, 'app', 'package.json'), '{"type":"module"}');
    }
  }, 120_000);

  afterAll(() => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('runs JavaScript task modules under plain node, with no TypeScript loader anywhere', () => {
    const app = join(tmp, 'plain', 'app');
    writeFileSync(
      join(app, 'tasks.mjs'),
      `import { task } from '../gocsp/dist/runtime/index.js';
       export const triple = task(import.meta.url, function triple(n) { return 3 * n; });
       export const boom = task(import.meta.url, async function boom() { throw new TypeError('bad input'); });`,
    );
    writeFileSync(
      join(app, 'main.mjs'),
      `import { goThread, configureThreads } from '../gocsp/dist/runtime/index.js';
       import { triple, boom } from './tasks.mjs';
       configureThreads({ threads: 2 });
       const rs = await Promise.all([1, 2, 3, 4].map((n) => goThread(triple, n)));
       const e = await goThread(boom).catch((x) => x);
       console.log(rs.join(','), e instanceof TypeError, e.message);`,
    );
    const r = spawnSync(process.execPath, ['main.mjs'], { cwd: app, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('3,6,9,12 true bad input\n');
    expect(r.status).toBe(0);
  });

  it('runs a one-file program once under plain node, task(fn) finding its module from the stack', () => {
    const app = join(tmp, 'plain', 'app');
    writeFileSync(
      join(app, 'one-file.mjs'),
      `import { isMainThread } from 'node:worker_threads';
       import { configureThreads, goThread, main, task } from '../gocsp/dist/runtime/index.js';
       const thread = isMainThread ? 'the main thread' : 'a worker';
       console.log('top level on ' + thread);
       export const square = task(function square(n) { return n * n; });
       main(async () => {
         configureThreads({ threads: 1 });
         const rs = await Promise.all([1, 2, 3].map((n) => goThread(square, n)));
         console.log('main on ' + thread + ': ' + rs.join(' '));
       });`,
    );
    const r = spawnSync(process.execPath, ['one-file.mjs'], { cwd: app, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('top level on the main thread\ntop level on a worker\nmain on the main thread: 1 4 9\n');
    expect(r.status).toBe(0);
  });

  it("fails the goroutine with TaskModuleError, under plain node, when a task module's top level exits on a worker", () => {
    const app = join(tmp, 'plain', 'app');
    writeFileSync(
      join(app, 'exits.mjs'),
      `import { isMainThread } from 'node:worker_threads';
       import { task } from '../gocsp/dist/runtime/index.js';
       export const four = task(function four() { return 4; });
       if (!isMainThread) { await new Promise((r) => setTimeout(r, 5)); process.exit(1); }`,
    );
    writeFileSync(
      join(app, 'exits-main.mjs'),
      `import { configureThreads, goThread, isTaskModuleError } from '../gocsp/dist/runtime/index.js';
       import { four } from './exits.mjs';
       configureThreads({ threads: 1 });
       const e = await goThread(four).catch((x) => x);
       console.log(e.name, isTaskModuleError(e));
       console.log(e.message);`,
    );
    const r = spawnSync(process.execPath, ['exits-main.mjs'], { cwd: app, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
    expect(r.stderr).toBe('');
    const url = pathToFileURL(join(app, 'exits.mjs')).href;
    expect(r.stdout.replace(/worker thread \d+/, 'worker thread N')).toBe(
      'TaskModuleError true\n' +
        `gocsp: worker thread N could not import task module ${url}: its top level, which runs again on each worker ` +
        'that imports the module to find a task, called process.exit(1) (start the program in main(), which does ' +
        'nothing on a worker)\n',
    );
    expect(r.status).toBe(0);
  });

  it('runs a one-file program written in TypeScript with compiled gocsp under tsx', () => {
    const app = join(tmp, 'ts', 'app');
    writeFileSync(
      join(app, 'one-file.ts'),
      `import { configureThreads, goThread, main, task } from '../gocsp/dist/runtime/index.js';
       export const negate = task(function negate(n: number): number { return -n; });
       main(async () => {
         configureThreads({ threads: 1 });
         console.log(await goThread(negate, 5));
       });`,
    );
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'one-file.ts'], {
      cwd: app,
      encoding: 'utf8',
      env: { ...process.env, NODE_OPTIONS: '' },
    });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('-5\n');
    expect(r.status).toBe(0);
  });

  it('runs a TypeScript task module with compiled gocsp, registering tsx in the worker', () => {
    const app = join(tmp, 'ts', 'app');
    writeFileSync(
      join(app, 'tasks.ts'),
      `import { task } from '../gocsp/dist/runtime/index.js';
       export const square = task(import.meta.url, function square(n: number): number { return n * n; });`,
    );
    writeFileSync(
      join(app, 'main.mjs'),
      `import { goThread } from '../gocsp/dist/runtime/index.js';
       const square = Object.assign(function square() {}, {
         [Symbol.for('gocsp.task')]: { url: new URL('./tasks.ts', import.meta.url).href, name: 'square' },
       });
       console.log(await goThread(square, 9));`,
    );
    const r = spawnSync(process.execPath, ['main.mjs'], { cwd: app, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('81\n');
    expect(r.status).toBe(0);
  });
});
