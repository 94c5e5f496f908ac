/** The run queue (run-queue.ts) and the worker's execArgv filter (thread.ts). */
import { describe, expect, it } from 'vitest';
import { ArrayRunQueue } from '../../../runtime/threads/run-queue.js';
import { workerExecArgv } from '../../../runtime/threads/thread.js';

describe('ArrayRunQueue', () => {
  it('takes batches in FIFO order and compacts as it drains', () => {
    const q = new ArrayRunQueue<number>();
    for (let i = 0; i < 5000; i++) q.push(i);
    const got: number[] = [];
    while (q.length > 0) got.push(...q.take(64));
    expect(got).toEqual(Array.from({ length: 5000 }, (_, i) => i));
    expect(q.take(10)).toEqual([]);
    q.push(7);
    expect(q.take(10)).toEqual([7]);
  });

  it('removes an item wherever it is, keeping the order of the rest', () => {
    const q = new ArrayRunQueue<string>();
    for (const x of ['a', 'b', 'c', 'd']) q.push(x);
    expect(q.take(1)).toEqual(['a']);
    expect(q.remove('a')).toBe(false);
    expect(q.remove('c')).toBe(true);
    expect(q.length).toBe(2);
    expect(q.remove('x')).toBe(false);
    expect(q.take(10)).toEqual(['b', 'd']);
    q.push('e');
    expect(q.remove('e')).toBe(true);
    expect(q.length).toBe(0);
    q.push('f');
    expect(q.take(10)).toEqual(['f']);
  });

  it('requeues items at the front in their order, into the drained prefix or ahead of a fresh array', () => {
    const q = new ArrayRunQueue<number>();
    for (let i = 0; i < 6; i++) q.push(i);
    expect(q.take(3)).toEqual([0, 1, 2]);
    q.requeue([10, 11]);
    expect(q.length).toBe(5);
    q.requeue([20, 21, 22, 23]);
    expect(q.take(100)).toEqual([20, 21, 22, 23, 10, 11, 3, 4, 5]);
    q.requeue([30]);
    q.push(31);
    expect(q.remove(30)).toBe(true);
    expect(q.take(100)).toEqual([31]);
  });
});

describe('workerExecArgv', () => {
  it('drops the flags about the main entry point and keeps the rest', () => {
    expect(workerExecArgv(['--import', 'tsx', '--input-type=module', '--expose-gc'])).toEqual(['--import', 'tsx', '--expose-gc']);
    expect(workerExecArgv(['--input-type', 'module', '-e', 'x', '--watch', '--conditions=dev'])).toEqual(['--conditions=dev']);
  });
});
