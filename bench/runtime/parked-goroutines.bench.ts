/**
 * parked-goroutines: one million goroutines, each parked on a receive from one shared unbuffered channel.
 *
 * For each variant, in a fresh child process (so that no variant inherits another's heap, and main()'s tracking,
 * which is on for the rest of a process, stays in its own):
 *   1. spawn COUNT goroutines and let them all start and park; spawn rate = COUNT / (time until all are parked);
 *   2. full GC, then the heap growth over the pre-spawn heap (process.memoryUsage().heapUsed) and RSS growth;
 *   3. release them all (close the channel) and check that every one of them finishes.
 * The baselines are plain async functions awaiting a promise nobody resolves (so they cannot be released), and the
 * naive promise-queue channel. A plain script, not tinybench: these are one-shot measurements.
 *
 * Target: 1M parked goroutines in <= 500 MB.
 *
 * Run alone: npx tsx bench/runtime/parked-goroutines.bench.ts [count]      (count defaults to 1000000)
 */
import { spawnSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { BaseChannel } from 'async-channel';
import { Cause, Effect, Queue } from 'effect';
import { chan } from '../../runtime/chan/local-chan.js';
import { go } from '../../runtime/go.js';
import { main, type Traceback } from '../../runtime/main.js';
import { NaiveChan } from '../baseline/naive-chan.js';
import { gc } from '../lib/gc.js';

/** Spawned is what a variant hands back after starting its goroutines: how to release them, if it can. */
interface Spawned {
  readonly release: (() => void) | null;
  /** keep holds what must stay reachable for the parked functions to stay alive (else GC collects them all). */
  readonly keep?: unknown;
  /** settled resolves once everything the variant started has returned (effect joins its fibers here). */
  readonly settled?: Promise<void>;
}

interface Variant {
  readonly name: string;
  /** underMain runs the measurement inside main(), which turns goroutine tracking on. */
  readonly underMain?: { readonly traceback: Traceback };
  spawn(count: number): Spawned;
}

let started = 0;
let finished = 0;

const gocspGo = (count: number): Spawned => {
  const ch = chan<number>();
  for (let i = 0; i < count; i++) {
    go(async () => {
      started++;
      await ch.recv();
      finished++;
    });
  }
  return { release: () => ch.close() };
};

const VARIANTS: readonly Variant[] = [
  { name: 'gocsp go() + chan recv', spawn: gocspGo },
  { name: 'gocsp under main() (default)', underMain: { traceback: 'goroutines' }, spawn: gocspGo },
  { name: "gocsp under main({ traceback: 'stacks' })", underMain: { traceback: 'stacks' }, spawn: gocspGo },
  {
    name: 'baseline: async fn awaiting its own never-resolved promise',
    spawn(count) {
      // The promises are kept in an array (8 bytes each), else nothing references them and GC frees everything.
      const promises: Promise<void>[] = [];
      for (let i = 0; i < count; i++) {
        void (async () => {
          started++;
          const p = new Promise<void>(() => {});
          promises.push(p);
          await p;
          finished++;
        })();
      }
      return { release: null, keep: promises };
    },
  },
  {
    name: 'baseline: async fn awaiting one shared never-resolved promise',
    spawn(count) {
      const never = new Promise<void>(() => {});
      for (let i = 0; i < count; i++) {
        void (async () => {
          started++;
          await never;
          finished++;
        })();
      }
      return { release: null, keep: never };
    },
  },
  {
    name: 'baseline: async fn + naive chan recv',
    spawn(count) {
      const ch = new NaiveChan<number>();
      for (let i = 0; i < count; i++) {
        void (async () => {
          started++;
          await ch.recv();
          finished++;
        })();
      }
      return { release: () => ch.close() };
    },
  },
  {
    name: 'async-channel: async fn + BaseChannel(0).get()',
    spawn(count) {
      const ch = new BaseChannel<number>(0);
      for (let i = 0; i < count; i++) {
        void (async () => {
          started++;
          // get() rejects with ChannelClosedError once closed: that is this library's release.
          await ch.get().catch(() => undefined);
          finished++;
        })();
      }
      return { release: () => ch.close() };
    },
  },
  {
    name: 'effect: forkDetach fibers parked on Queue.take',
    spawn(count) {
      let release: (() => void) | null = null;
      const settled = Effect.runPromise(
        Effect.gen(function* () {
          const q = yield* Queue.bounded<number, Cause.Done>(0);
          const take = Effect.gen(function* () {
            started++;
            yield* Effect.ignore(Queue.take(q));
            finished++;
          });
          for (let i = 0; i < count; i++) yield* Effect.forkDetach(take);
          // Ending the queue fails every parked take with Done, which the fiber ignores before it returns.
          release = () => void Queue.endUnsafe(q);
        }),
      );
      return {
        get release() {
          return release;
        },
        settled,
      };
    },
  },
];

const UNSUPPORTED = [
  ['js-csp', 'at most 1024 pending takes per channel: cannot park 1M processes on one channel'],
  ['@repeaterjs', 'at most 1024 pending next() calls per repeater'],
];

interface Result {
  readonly variant: string;
  readonly count: number;
  readonly spawnMs: number;
  readonly heapBytes: number;
  readonly rssBytes: number;
  readonly releaseMs: number | null;
  readonly started: number;
  readonly finished: number;
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** waitFor yields to the event loop until `done()` or until `ms` pass without progress on `progress()`. */
async function waitFor(done: () => boolean, progress: () => number, ms = 10_000): Promise<void> {
  let last = -1;
  let since = performance.now();
  while (!done()) {
    await tick();
    const p = progress();
    if (p !== last) (last = p), (since = performance.now());
    else if (performance.now() - since > ms) return;
  }
}

async function measure(v: Variant, count: number): Promise<Result> {
  gc();
  const before = process.memoryUsage();
  const t0 = performance.now();
  const s = v.spawn(count);
  await waitFor(() => started === count, () => started);
  const spawnMs = performance.now() - t0;
  gc();
  const parked = process.memoryUsage();
  let releaseMs: number | null = null;
  const release = s.release;
  if (release !== null) {
    const t1 = performance.now();
    release();
    await waitFor(() => finished === count, () => finished);
    if (s.settled !== undefined) await s.settled;
    releaseMs = performance.now() - t1;
  }
  if (s.keep === undefined && s.release === null) throw new Error('a variant that cannot be released must keep its promises');
  return {
    variant: v.name,
    count,
    spawnMs,
    heapBytes: parked.heapUsed - before.heapUsed,
    rssBytes: parked.rss - before.rss,
    releaseMs,
    started,
    finished,
  };
}

const RESULT = 'RESULT ';
const self = fileURLToPath(import.meta.url);
const childIndex = process.argv.indexOf('--child');

if (childIndex >= 0) {
  // Child: measure one variant, print one JSON line.
  const v = VARIANTS[Number(process.argv[childIndex + 1])]!;
  const count = Number(process.argv[childIndex + 2]);
  const run = async (): Promise<void> => console.log(RESULT + JSON.stringify(await measure(v, count)));
  if (v.underMain !== undefined) main(run, { traceback: v.underMain.traceback });
  else await run();
} else {
  const count = Number(process.argv[2] ?? 1_000_000);
  const rows: Record<string, string | number>[] = [];
  let failed = false;
  for (let i = 0; i < VARIANTS.length; i++) {
    const v = VARIANTS[i]!;
    // The tsx loader flags come from execArgv; the heap limit is raised so that a heavy variant reports its size
    // instead of dying at V8's default limit.
    const out = spawnSync(
      process.execPath,
      [...process.execArgv, '--expose-gc', '--max-old-space-size=8192', self, '--child', String(i), String(count)],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: 600_000 },
    );
    const line = out.stdout.split('\n').find((l) => l.startsWith(RESULT));
    if (line === undefined) {
      failed = true;
      rows.push({ Variant: v.name, Note: `child failed (status ${out.status}, signal ${out.signal})` });
      continue;
    }
    const r = JSON.parse(line.slice(RESULT.length)) as Result;
    const ok = r.started === count && (r.releaseMs === null || r.finished === count);
    if (!ok) failed = true;
    rows.push({
      Variant: r.variant,
      'spawn+park ms': Math.round(r.spawnMs),
      'goroutines/s': Math.round((count / r.spawnMs) * 1000).toLocaleString('en-US'),
      'heap MB': +(r.heapBytes / 2 ** 20).toFixed(1),
      'bytes each': Math.round(r.heapBytes / count),
      'RSS MB': +(r.rssBytes / 2 ** 20).toFixed(1),
      'release ms': r.releaseMs === null ? 'n/a' : Math.round(r.releaseMs),
      finished: r.releaseMs === null ? `${r.started} parked, never released` : `${r.finished}/${count}`,
    });
  }
  for (const [name, reason] of UNSUPPORTED) rows.push({ Variant: name!, Note: `n/a: ${reason!}` });
  const [l1] = loadavg();
  console.log(`\nparked-goroutines: ${count} parked on one channel  (node ${process.version}, ${cpus()[0]?.model} x${cpus().length}, load ${l1?.toFixed(2)})`);
  console.table(rows);
  console.log('heap MB = heapUsed growth after a full GC with everything parked; RSS MB = resident set growth.');
  console.log('Target: 1M parked goroutines in <= 500 MB.');
  if (failed) process.exitCode = 1;
}
