/**
 * A task module's top level on a worker: the worker imports the module to find the task, so the top level runs there
 * too. task(fn) finds its module from the caller's stack; main() does nothing on a worker; a top level that throws or
 * calls process.exit there fails the goroutine with TaskModuleError naming the module, and the worker lives on.
 */
import { describe, expect, it } from 'vitest';
import {
  InvalidArgumentError,
  go,
  TaskModuleError,
  isTaskModuleError,
  goThread,
  task,
} from '../../../runtime/index.js';
import { onThreadExit } from '../../../runtime/shared/memory/exit-hooks.js';
import { runningThreads } from '../../../runtime/threads/threads-lifecycle.js';
import { taskRef } from '../../../runtime/threads/task.js';
import { add } from './tasks/basic.js';
import { afterMain, cube } from './tasks/implicit.js';
import { three } from './tasks/top-level/exits-after-await.js';
import { two } from './tasks/top-level/exits.js';
import { one } from './tasks/top-level/throws.js';
import { collectPanics, until, useThreads } from './use-threads.js';

useThreads({ threads: 1 });

const here = (path: string): string => new URL(path, import.meta.url).href;

/** cannotImport is the start of a TaskModuleError's message, with the thread's number left out. */
const cannotImport = (path: string): string =>
  `gocsp: worker thread N could not import task module ${here(path)}: its top level, which runs again on each ` +
  'worker that imports the module to find a task,';

/** noSlot masks the thread number in a message. */
const noSlot = (e: unknown): string => (e as Error).message.replace(/worker thread \d+/, 'worker thread N');

describe('task(fn) without a URL', () => {
  it("marks fn with the calling module's URL, which is what the worker imports", async () => {
    expect(taskRef(cube)).toEqual({ url: here('./tasks/implicit.ts'), name: 'cube' });
    expect(cube(2)).toBe(8);
    expect(await goThread(cube, 3)).toBe(27);
  });

  it('throws InvalidArgumentError when the caller has no module file a worker can import', () => {
    const viaFunction = () => new Function('task', 'return task(function made() {})')(task) as unknown;
    expect(viaFunction).toThrow(InvalidArgumentError);
    expect(viaFunction).toThrow(
      'task: cannot find the module calling task(made): the caller has no module file a worker can import ' +
        '(eval, node -e); pass the URL: task(import.meta.url, made)',
    );
    expect(() => (0, eval)('(t) => t(function evald() {})')(task)).toThrow(
      'task: cannot find the module calling task(evald)',
    );
  });

  it('checks fn as the explicit form does', () => {
    expect(() => task(42 as never)).toThrow('task: fn must be a function, got 42');
    expect(() => task((() => () => 1)())).toThrow('task: fn must be a named function (the worker finds it by its name)');
    // Called from this module, task(cube) names this module, not the one cube is a task of.
    expect(() => task(cube)).toThrow(/^task: cube is already a task of file:.*tasks\/implicit\.ts$/);
  });
});

describe("a task module's top level on a worker", () => {
  it('runs main() as a call that returns at once, without running its function', async () => {
    const panics = collectPanics();
    expect(await goThread(afterMain)).toEqual({ returned: 'undefined', ran: false });
    expect(panics).toEqual([]);
    expect(runningThreads()).toBe(1);
  });

  it('fails the goroutine with TaskModuleError when it throws, with the throw as cause and its stack', async () => {
    const exits: number[] = [];
    const off = onThreadExit((slot) => exits.push(slot));
    try {
      const e = await goThread(one).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(TaskModuleError);
      expect(isTaskModuleError(e)).toBe(true);
      expect((e as TaskModuleError).code).toBe('ERR_TASK_MODULE');
      expect(noSlot(e)).toBe(`${cannotImport('./tasks/top-level/throws.ts')} threw RangeError: no config on this thread`);
      expect((e as Error).cause).toBeInstanceOf(RangeError);
      expect(((e as Error).cause as Error).message).toBe('no config on this thread');
      expect((e as Error).stack).toMatch(/^TaskModuleError: .*\n\s+at .*tasks\/top-level\/throws\.ts/);

      // go: a panic with the same error; the worker lives on and runs other modules' tasks.
      const panics = collectPanics();
      go(one);
      await until(() => panics.length === 1);
      expect(isTaskModuleError(panics[0]!.error)).toBe(true);
      expect(noSlot(panics[0]!.error)).toBe(noSlot(e));
      expect(await goThread(add, 1, 2)).toBe(3);
      expect(exits).toEqual([]);
    } finally {
      off();
    }
  });

  it.each([
    ['at once', () => goThread(two), './tasks/top-level/exits.ts', 0],
    ['after an await', () => goThread(three), './tasks/top-level/exits-after-await.ts', 3],
  ])('fails the goroutine with TaskModuleError, not the worker, when it calls process.exit %s', async (_, run, path, code) => {
    const exits: number[] = [];
    const off = onThreadExit((slot) => exits.push(slot));
    try {
      expect(await goThread(add, 2, 2)).toBe(4); // a module imported (and the guard's storage off) before
      const e = await run().catch((x: unknown) => x);
      expect(e).toBeInstanceOf(TaskModuleError);
      expect(noSlot(e)).toBe(
        `${cannotImport(path)} called process.exit(${code}) (start the program in main(), which does nothing on a worker)`,
      );
      expect((e as Error).stack).toMatch(new RegExp(`^TaskModuleError: .*\\n\\s+at .*${path.slice(2).replace(/\./g, '\\.')}`));
      expect(await goThread(add, 1, 2)).toBe(3);
      expect(exits).toEqual([]);
    } finally {
      off();
    }
  });
});
