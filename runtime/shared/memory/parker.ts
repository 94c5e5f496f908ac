/**
 * The parker: how a thread waits for shared objects (shared channels, shared sync) that other threads change.
 *
 * Each shared object with goroutines of this thread parked on it is a Source. While there is at least one, the
 * parker loops: announce sleep (SLEEP = 1 in the registry), re-poll every source, then, if nothing woke it, spin
 * briefly (workers only) and wait with Atomics.waitAsync on the SLEEP word, which a waker clears (registry.wake).
 * The thread's event loop keeps running meanwhile: waitAsync does not block it, so this thread's own goroutines keep
 * going. A thread whose goroutines are all parked uses no CPU.
 *
 * A pending waitAsync does not keep Node alive (node issues 44409, 61941), so the parker holds a ref'd handle while it
 * has sources and drops it when it has none: a thread with goroutines parked on shared objects stays alive, one
 * without lets the process exit. Under main(), which finds deadlocks across threads (idle.ts), the handle is never
 * ref'd: main() keeps the program alive while some thread may still wake another.
 */
import { availableParallelism } from 'node:os';
import { isMainThread } from 'node:worker_threads';
import { publishing, wokeUp } from './idle.js';
import { registryWords, sleepIndex } from './registry.js';

/** Source is a shared object with parked local goroutines; repoll completes whatever can now proceed. */
export interface Source {
  repoll(): void;
}

/** Spinnable is a shared object an operation can spin on before it parks (spinUntil). */
export interface Spinnable {
  /**
   * spinReady reports whether an operation in direction `dir` may proceed now (a cheap, read-only check); not
   * `eager`, whether it may proceed several times over (a run of values is there to take, or room for one).
   */
  spinReady(dir: number, eager: boolean): boolean;
}

/**
 * Spinning: a cross-thread futex wake costs ~100 us on these machines, far more than the turnaround of a busy partner,
 * so a thread spins before it sleeps. The budget adapts:
 * - it doubles (up to SPIN_MAX_MS) each time a wake came while spinning, so two busy threads stay awake and hand
 *   values over in microseconds;
 * - after a sleep shorter than SPIN_MAX_MS it becomes twice that sleep: the partner was busy, and a spin that long
 *   would have caught its wake without the wake-up's latency, during which both sides fall idle in turn (two threads
 *   moving values through a buffer otherwise go full, sleep, empty, sleep, ... at the pace of wake-ups);
 * - but such a long spin that fails means the partner could not run meanwhile (it shares our CPU: a loaded machine),
 *   and spinning only delays it: the next long spins are skipped, for twice as many sleeps each time one fails;
 * - after a long sleep (idleness) it falls back to SPIN_MIN_MS, so an idle thread burns at most one short spin.
 * The main thread spins less, since its event loop serves everything else too.
 */
/** ONE_CPU: with a single CPU to run on (taskset, a 1-vCPU container), spinning only delays the partner: never spin. */
const ONE_CPU = availableParallelism() === 1;
const SPIN_MIN_MS = ONE_CPU ? 0 : 0.02;
const SPIN_MAX_MS = ONE_CPU ? 0 : isMainThread ? 0.25 : 1;
let spinMs = SPIN_MIN_MS;
/** probeSkip: sleeps left before a long spin is tried again; probeBackoff: the next skip after a failed long spin. */
let probeSkip = 0;
let probeBackoff = 1;

const sources = new Set<Source>();
let running = false;
let keepAlive: NodeJS.Timeout | null = null;

/** watch adds a source; the parker runs while it has any. */
export function watch(s: Source): void {
  sources.add(s);
  // One interval for the thread's life, ref'd while something waits: creating and clearing one per park cycle cost
  // a measurable share of a cross-thread hand-off.
  if (!publishing) {
    if (keepAlive === null) keepAlive = setInterval(noop, 1 << 30);
    else if (sources.size === 1) keepAlive.ref();
  }
  if (!running) {
    running = true;
    // Start on a later microtask: watch runs while a select is still registering its cases, and a re-poll now
    // could complete that select before its other registrations exist.
    queueMicrotask(() => void loop());
  }
}

/** parking reports whether the parker waits (or is about to) on this thread's SLEEP word for its sources. */
export function parking(): boolean {
  return running && sources.size > 0;
}

/** unwatch removes a source that has no parked goroutines left. */
export function unwatch(s: Source): void {
  sources.delete(s);
  if (sources.size === 0) keepAlive?.unref();
}

/**
 * Operation spins: a plain send or receive that would park first spins on its channel (spinUntil), which turns a
 * hand-off with a busy thread into a few hundred nanoseconds instead of a park, a futex wake and event-loop turns.
 * It holds up this thread's other goroutines meanwhile, so it is short and adapts: the budget doubles (up to
 * OP_SPIN_MAX_MS) each time the partner came in time and halves each time it did not. Never on a single CPU.
 */
const OP_SPIN_MIN_MS = ONE_CPU ? 0 : 0.002;
const OP_SPIN_MAX_MS = ONE_CPU ? 0 : isMainThread ? 0.01 : 0.05;
let opSpinMs = OP_SPIN_MIN_MS;

/**
 * spinGuard, when set, says whether spinning may pay now: the scheduler sets it on the main thread, where it
 * returns false while its workers keep every other CPU busy. A thread that spins then takes its CPU time from a
 * worker: the main thread collecting results from two computing workers on two CPUs would slow them both down.
 */
let spinGuard: (() => boolean) | null = null;

/** setSpinGuard installs (or, with null, removes) this thread's spinGuard. */
export function setSpinGuard(guard: (() => boolean) | null): void {
  spinGuard = guard;
}

/**
 * spinUntil spins until `s.spinReady(dir)` or the thread's operation spin budget runs out; it reports whether the
 * object became ready. Between two checks it reads the clock `gap` times (~40 ns each, touching no shared memory):
 * a check reads the cache line the partner is writing, and checking back to back would take that line away from
 * it at every value. A buffered channel wants a wide gap, so that values pile up between checks and are then taken
 * in a run; an unbuffered hand-off a narrow one, as every nanosecond of it is latency.
 */
export function spinUntil(s: Spinnable, dir: number, gap: number, patient = false): boolean {
  if (opSpinMs === 0 || (spinGuard !== null && !spinGuard())) return false;
  const now = performance.now();
  const until = now + opSpinMs;
  const eagerFrom = patient ? now + opSpinMs / 2 : now;
  for (let t = now; ; ) {
    if (s.spinReady(dir, t >= eagerFrom)) {
      opSpinMs = Math.min(OP_SPIN_MAX_MS, opSpinMs * 2);
      return true;
    }
    for (let i = 1; i < gap; i++) performance.now();
    t = performance.now();
    if (t >= until) {
      opSpinMs = Math.max(OP_SPIN_MIN_MS, opSpinMs / 2);
      return false;
    }
  }
}

function repollAll(): void {
  for (const s of [...sources]) s.repoll();
}

async function loop(): Promise<void> {
  const words = registryWords();
  const i = sleepIndex();
  try {
    while (sources.size > 0) {
      Atomics.store(words, i, 1);
      repollAll();
      // Let the goroutines that repoll woke run first (and this thread's other work): spinning now would hold
      // them up, and they are usually what the other side waits for.
      await new Promise(setImmediate);
      if (sources.size === 0) break;
      if (Atomics.load(words, i) === 0) continue; // woken meanwhile: poll again at once
      const until = spinGuard !== null && !spinGuard() ? 0 : performance.now() + spinMs;
      // Spin: while both sides are busy a waker usually comes within microseconds. The clock is read once every
      // 64 loads (a read costs ~40 ns, a load a few).
      for (let n = 1; Atomics.load(words, i) === 1; n++) {
        if ((n & 63) === 0 && performance.now() >= until) break;
      }
      if (Atomics.load(words, i) === 0) {
        spinMs = Math.min(SPIN_MAX_MS, spinMs * 2);
        probeBackoff = 1;
        continue;
      }
      if (spinMs > SPIN_MIN_MS) {
        probeSkip = probeBackoff;
        probeBackoff = Math.min(64, probeBackoff * 2);
      }
      const r = Atomics.waitAsync(words, i, 1);
      if (r.async) {
        const t0 = performance.now();
        await r.value;
        wokeUp();
        const slept = performance.now() - t0;
        if (slept < SPIN_MAX_MS && probeSkip === 0) spinMs = Math.min(SPIN_MAX_MS, Math.max(SPIN_MIN_MS, 2 * slept));
        else spinMs = SPIN_MIN_MS;
        if (probeSkip > 0) probeSkip--;
      }
    }
  } finally {
    Atomics.store(words, i, 0);
    running = false;
  }
}

function noop(): void {}
