/**
 * cross-thread-ping-pong: one value bounced between two threads, per round trip; then what the two sides burn once
 * they are idle.
 *
 *   gocsp:     two unbuffered shared channels, ping and pong (sharedChan(codec.int32)). The pinger sends i on ping
 *              and receives it back on pong; the ponger (a goroutine on a scheduler worker) sends back what it
 *              receives (tasks/channels.ts). Main <-> worker, and worker <-> worker (both goroutines on workers).
 *   baseline:  raw Atomics, two Int32 words: main stores i in PING and spins until PONG is i; the worker spins 50 us
 *              on PING, then sleeps (Atomics.wait) on its own flag word, which main clears before notifying
 *              (tasks/raw.ts). Main never sleeps: it must not block in Atomics.wait.
 *
 * Each sample is up to N round trips or SAMPLE_MS of them, timed after one warm-up round trip (the ponger's start),
 * with the sum of the values that came back checked.
 *
 * Idle: right after a burst of 20 000 round trips, both sides park (gocsp: the ponger on ping.recv(), a goroutine of
 * main on pong.recv(); raw: the worker in its spin-then-wait loop, main idle) and the process's CPU time (every
 * thread) is read over the next two windows of IDLE_MS, the first with the spin-down in it, per thread (main, the
 * workers, the process's other threads: /proc schedstat); the floor is the same with nothing parked.
 *
 * Targets: <= 2 us per round trip while both sides are active; no CPU burnt once idle. DESIGN.md: a futex
 * ping-pong here costs about 100 us per round trip across vCPUs, 3.6 us on one vCPU; pure spinning across vCPUs
 * about 0.34 us, and 35 us and worse when both threads share a vCPU. Go 1.19 goroutines in one process: 360-394 ns.
 *
 * Run alone: npx tsx bench/parallel/cross-thread-ping-pong.bench.ts (pinned: taskset -c 0 npx tsx ...)
 */
import { go } from '../../runtime/go.js';
import { sharedChan, type SharedChan } from '../../runtime/shared/channels/shared-chan.js';
import { codec } from '../../runtime/shared/codecs/codec-set.js';
import { goThread } from '../../runtime/threads/go-thread.js';
import { shutdownThreads } from '../../runtime/threads/threads-lifecycle.js';
import { newBench, report } from '../lib/harness.js';
import { parkOn, pinger, ponger, type PingResult } from './tasks/channels.js';
import { atomicPonger, PING, PONG, PP_SLEEP, STOP, wakeIfSleeping } from './tasks/raw.js';
import { placement, selfTimed, selfTimedSink, sleepMs, startScheduler, type Timed } from './lib/env.js';
import { linuxTid, processCpuMs, threadCpuMs } from './lib/thread-cpu.js';

const N = 200_000;
const SAMPLE_MS = 200;
const IDLE_MS = 500;
/** RAW_SPIN_MS is how long the raw worker spins before it waits. */
const RAW_SPIN_MS = 0.05;

/** sumTrips is 1 + 2 + ... + n, the checksum of n round trips of the values 1..n. */
const sumTrips = (n: number): number => (n * (n + 1)) / 2;

function timedTrips(r: PingResult): Timed {
  return { ops: r.trips, ms: r.ms, sum: r.sum, expected: sumTrips(r.trips) };
}

async function gocspMainWorker(): Promise<Timed> {
  const ping = sharedChan(codec.int32);
  const pong = sharedChan(codec.int32);
  const echoed = goThread(ponger, ping, pong);
  const r = await pinger(ping, pong, N, SAMPLE_MS); // a task called directly runs here, on main
  if ((await echoed) !== r.trips + 1) throw new Error('bench: the ponger missed round trips');
  return timedTrips(r);
}

async function gocspWorkerWorker(): Promise<Timed> {
  const ping = sharedChan(codec.int32);
  const pong = sharedChan(codec.int32);
  const [r, echoed] = await Promise.all([goThread(pinger, ping, pong, N, SAMPLE_MS), goThread(ponger, ping, pong)]);
  if (echoed !== r.trips + 1) throw new Error('bench: the ponger missed round trips');
  return timedTrips(r);
}

/** waitPong spins on main until PONG holds v (never Atomics.wait on main); it throws after 10 s. */
function waitPong(w: Int32Array, v: number): void {
  const until = performance.now() + 10_000;
  for (let k = 1; Atomics.load(w, PONG) !== v; k++) {
    if ((k & 1023) === 0 && performance.now() > until) throw new Error('bench: the raw ponger does not answer');
  }
}

async function rawAtomics(): Promise<Timed> {
  const w = new Int32Array(new SharedArrayBuffer(48 * 4));
  const done = goThread(atomicPonger, w, RAW_SPIN_MS);
  // Let the scheduler post the goroutine (a microtask flush) before main starts spinning.
  await sleepMs(0);
  const ping = (v: number): void => {
    Atomics.store(w, PING, v);
    wakeIfSleeping(w, PP_SLEEP);
  };
  ping(1);
  waitPong(w, 1);
  const t0 = performance.now();
  let sum = 0;
  let i = 2;
  for (; i <= N + 1; i++) {
    ping(i);
    waitPong(w, i);
    sum += Atomics.load(w, PONG) - 1;
    if ((i & 15) === 0 && performance.now() - t0 >= SAMPLE_MS) break;
  }
  const ms = performance.now() - t0;
  const trips = Math.min(i, N + 1) - 1;
  ping(STOP);
  const r = await done;
  if (r.trips !== trips + 1) throw new Error(`bench: the raw ponger saw ${r.trips} round trips, expected ${trips + 1}`);
  return { ops: trips, ms, sum, expected: sumTrips(trips) };
}

const workers = await startScheduler();
const mainTid = linuxTid();
/** samples keeps every sample of each task in the order taken: the ping-pong's samples can be bimodal. */
const samples = new Map<string, number[]>();
const logged = (name: string, batch: () => Promise<Timed>): ReturnType<typeof selfTimed> => {
  const l: number[] = [];
  samples.set(name, l);
  return selfTimed(batch, l);
};

// No full GC before each task here (the harness's default): after one, V8 keeps the main thread's young generation
// small for the rest of the task, and the scavenges that follow add 0.1-0.9 us to every main <-> worker round trip
// (A/B in bench/RESULTS.md). A program does not run a full GC before its loops; each task's garbage is small.
const bench = newBench(`cross-thread-ping-pong: unbuffered, two threads  [${placement()}]`, { setup: () => {} });
bench
  .add('gocsp sharedChan(int32) x2, main <-> worker', logged('gocsp main <-> worker', gocspMainWorker), { async: true })
  .add('gocsp sharedChan(int32) x2, worker <-> worker', logged('gocsp worker <-> worker', gocspWorkerWorker), {
    async: true,
  })
  .add('baseline: raw Atomics, main spins, worker spins then waits', logged('raw Atomics', rawAtomics), {
    async: true,
  });
await bench.run();

// Idle: what each side burns once both are parked.

interface Idle {
  readonly what: string;
  readonly window: string;
  readonly main: number;
  readonly workers: number;
  readonly total: number;
}

/**
 * idleWindows reads the CPU time used over two consecutive IDLE_MS windows from now, per thread: main, the
 * scheduler's workers, and the rest of the process (V8's GC and compiler helpers, libuv).
 */
async function idleWindows(what: string): Promise<Idle[]> {
  const read = (): [number, number, number] => [
    threadCpuMs(mainTid),
    workers.reduce((a, w) => a + threadCpuMs(w.tid), 0),
    processCpuMs(),
  ];
  const out: Idle[] = [];
  let [m0, w0, p0] = read();
  for (const window of [`0-${IDLE_MS} ms`, `${IDLE_MS}-${2 * IDLE_MS} ms`]) {
    await sleepMs(IDLE_MS);
    const [m1, w1, p1] = read();
    out.push({ what, window, main: m1 - m0, workers: w1 - w0, total: p1 - p0 });
    [m0, w0, p0] = [m1, w1, p1];
  }
  return out;
}

async function gocspIdle(): Promise<Idle[]> {
  const ping = sharedChan(codec.int32);
  const pong = sharedChan(codec.int32);
  const echoed = goThread(ponger, ping, pong);
  // A burst first, so both sides' spin budgets are at their highest when they go idle; the window starts at once.
  for (let i = 0; i < 20_000; i++) {
    await ping.send(i);
    await pong.recv();
  }
  // Now the ponger is parked on ping.recv(); park a goroutine of main on pong.recv(), which nothing will send.
  const parkedMain = new Promise<number>((resolve) => {
    go(async (c: SharedChan<number>) => resolve(await parkOn(c)), pong);
  });
  const idle = await idleWindows('gocsp: ponger on ping.recv() (worker), a goroutine on pong.recv() (main)');
  ping.close();
  pong.close();
  await Promise.all([echoed, parkedMain]);
  return idle;
}

async function rawIdle(): Promise<Idle[]> {
  const w = new Int32Array(new SharedArrayBuffer(48 * 4));
  const done = goThread(atomicPonger, w, RAW_SPIN_MS);
  await sleepMs(0);
  for (let i = 1; i <= 20_000; i++) {
    Atomics.store(w, PING, i);
    wakeIfSleeping(w, PP_SLEEP);
    waitPong(w, i);
  }
  // The window starts at once: the worker's spin before it waits is in it.
  const idle = await idleWindows('raw Atomics: the worker in its spin-then-wait loop, main idle');
  Atomics.store(w, PING, STOP);
  wakeIfSleeping(w, PP_SLEEP);
  await done;
  return idle;
}

const idle: Idle[] = [];
await sleepMs(200); // the bench's last garbage collected, the workers settled
idle.push(...(await idleWindows('floor: scheduler workers idle, nothing parked')));
idle.push(...(await gocspIdle()));
idle.push(...(await rawIdle()));
await shutdownThreads();

const us = (name: string, stat: 'mean' | 'p50'): string => {
  const r = bench.getTask(name)?.result;
  return r !== undefined && 'latency' in r ? (r.latency[stat] * 1e3).toFixed(2) : '?';
};
report(bench, {
  unit: 'round trip',
  opsPerSample: `up to ${N.toLocaleString('en-US')} round trips or ${SAMPLE_MS} ms of them, after a warm-up round trip`,
  note: [
    `us per round trip (mean / median): ${bench.tasks
      .map((t) => `${t.name} ${us(t.name, 'mean')} / ${us(t.name, 'p50')}`)
      .join('; ')}`,
    'Every sample in the order taken, warm-up first (us per round trip):',
    ...[...samples].map(([name, l]) => `  ${name}: ${l.map((ms) => (ms * 1e3).toFixed(2)).join(' ')}`),
    'Target: <= 2 us per round trip while both sides are active.',
    `(self-timed sink ${selfTimedSink()})`,
  ].join('\n'),
});
console.log(`\nidle: CPU time per thread over two windows of ${IDLE_MS} ms once both sides are parked (the first`);
console.log('starts at once, spin-down included). "other threads" is the rest of the process: V8 GC and compiler');
console.log('helpers, libuv. Target: none burnt.');
const ms = (x: number): string => x.toFixed(1);
console.table(
  idle.map((i) => ({
    State: i.what,
    Window: i.window,
    'main ms': ms(i.main),
    'workers ms': ms(i.workers),
    'other threads ms': ms(Math.max(0, i.total - i.main - i.workers)),
    'total ms': ms(i.total),
    '% of one vCPU': ((100 * i.total) / IDLE_MS).toFixed(1),
  })),
);
