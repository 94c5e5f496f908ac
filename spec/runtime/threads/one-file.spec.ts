/**
 * One-file programs, run as programs: tasks and main() in one module run once. The worker imports the module to
 * find its tasks (its top level runs there too), and main() does nothing there. task(fn) finds the module from the
 * stack under tsx, whether tsx runs the file as an ES module or as CommonJS, from any directory name. (The compiled
 * package under plain node: process.spec.ts; vitest: top-level.spec.ts.)
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFixture } from '../../fixtures/run.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));

/** ONE_FILE is what the one-file fixture prints: its top level once per thread, its main goroutine once. */
const ONE_FILE = [
  'top level on the main thread',
  'after main() on the main thread',
  'top level on a worker',
  'after main() on a worker',
  'main on the main thread: 1 4 9',
  '',
].join('\n');

describe('a one-file program under tsx', () => {
  it('runs main() once, on the main thread, and exits with 0', () => {
    const r = runFixture('spec/fixtures/one-file.ts');
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(ONE_FILE);
    expect(r.code).toBe(0);
  });

  describe('as CommonJS (no "type": "module"), in a directory whose name needs escaping in a URL', () => {
    let dir = '';

    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'gocsp one#file%-'));
    });

    afterAll(() => {
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('finds the module of task(fn) from a stack that shows a path, not a URL', () => {
      const runtime = pathToFileURL(join(root, 'runtime/index.ts')).href;
      writeFileSync(
        join(dir, 'program.ts'),
        `import { isMainThread } from 'node:worker_threads';
         import { configureThreads, goThread, main, task } from ${JSON.stringify(runtime)};
         export const triple = task(function triple(n: number): number { return 3 * n; });
         const TASK = Symbol.for('gocsp.task');
         if (isMainThread) console.log((triple as any)[TASK].url === ${JSON.stringify(pathToFileURL(join(dir, 'program.ts')).href)});
         main(async () => {
           configureThreads({ threads: 1 });
           console.log(await goThread(triple, 14));
         });`,
      );
      const r = spawnSync(process.execPath, ['--import', 'tsx', join(dir, 'program.ts')], {
        cwd: root,
        encoding: 'utf8',
        timeout: 20_000,
        env: { ...process.env, NODE_OPTIONS: '' },
      });
      expect(r.stderr).toBe('');
      expect(r.stdout).toBe('true\n42\n');
      expect(r.status).toBe(0);
    });
  });
});
