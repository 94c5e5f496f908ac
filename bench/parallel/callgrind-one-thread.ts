/**
 * callgrind-one-thread: runs one workload of shared-chan-one-thread.bench.ts `n` times in a fresh process, for
 * instruction counts that a loaded machine does not disturb (valgrind's callgrind counts instructions, not time).
 *
 *   npx esbuild bench/parallel/callgrind-one-thread.ts --bundle --platform=node --format=esm --outfile=/tmp/ct.mjs
 *   valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.out node --single-threaded /tmp/ct.mjs offer 20000
 *
 * Workloads: ring-int32, ring-string, offer, ping-pong-0, ping-pong-1, select, select-ready (a 2-case select with one
 * case ready, over two cap-1 channels), mutex (an uncontended SharedMutex lock + unlock). Instructions per operation
 * are the difference of two runs (say n = 20000 and 220000) divided by the difference of n: start-up and warm-up
 * cancel out.
 * For another commit, bundle this file from a checkout of it (`git archive <commit> runtime bench | tar -x -C dir`).
 */
import * as sc from '../../runtime/shared/channels/shared-chan.js';
import * as scalars from '../../runtime/shared/codecs/scalars.js';
import * as strings from '../../runtime/shared/codecs/string.js';
import * as sel from '../../runtime/select.js';
import { SharedMutex } from '../../runtime/shared/sync/shared-mutex.js';
import { mutexes, offerRecv, pingPong, readySelects, selects, tree, tries } from './lib/one-thread.js';

const t = tree('this tree', sc, scalars, strings, sel);
const [workload = 'offer', count = '20000'] = process.argv.slice(2);
const n = Number(count);
const str = (i: number): string => `v${i}`;
const num = (v: unknown): number => Number((v as string).slice(1));

const run: Record<string, () => number | Promise<number>> = {
  'ring-int32': () => tries(t.sharedChan(t.int32, 1024), (i) => i, (v) => v as number, n),
  'ring-string': () => tries(t.sharedChan(t.string16, 1024), str, num, n),
  offer: () => offerRecv(t.sharedChan(t.int32), n),
  'ping-pong-0': () => pingPong(t.sharedChan(t.int32), t.sharedChan(t.int32), n),
  'ping-pong-1': () => pingPong(t.sharedChan(t.int32, 1), t.sharedChan(t.int32, 1), n),
  select: () => selects(t, n),
  'select-ready': () => readySelects(t, n),
  mutex: () => mutexes(new SharedMutex(), n),
};
const f = run[workload];
if (f === undefined) throw new Error(`callgrind-one-thread: no workload ${workload}`);
console.log(workload, n, await f());
