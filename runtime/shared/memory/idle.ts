/**
 * Thread idleness: what each thread of a program run by main() publishes in its registry slot, so that a deadlock
 * across threads (Go's "all goroutines are asleep", whatever thread they are on) is found without false positives.
 *
 * A thread is asleep when its event loop holds nothing but gocsp's own handles. Node's 'beforeExit' says exactly
 * when, once main() has made gocsp's keep-alive handles unref'd (the parker's on every thread, the workers and
 * their ports on the main thread; a worker keeps itself alive by ref'ing its port in its 'beforeExit'). A thread
 * that runs code, waits on I/O or on a timer (gocsp's timers are ref'd while a goroutine waits on them), or yields
 * (gosched: a setImmediate) never reaches 'beforeExit', so it is never asleep.
 *
 * Per slot (registry.ts):
 *   IDLE   0 awake; 1 asleep; 2 asleep with goroutines parked on shared objects: its parker waits on SLEEP, and a
 *          waker that cleared SLEEP means a wake-up is on its way, so the thread counts as awake (sleeping())
 *   EPOCH  bumped, before IDLE goes back to 0, each time the thread wakes: a checker that reads an asleep IDLE and
 *          the same EPOCH twice knows the thread slept all along in between (collect, then recollect)
 *   WATCH  main's slot only: 1 while main sleeps waiting to hear that every worker sleeps; the worker that falls
 *          asleep last clears it and notifies main (tellMainIfLast)
 *
 * A thread wakes (wokeUp) whenever something may run its goroutines: its parker's waitAsync returns, a message of
 * the scheduler's protocol arrives (the idleness probes excepted), a worker thread exits.
 *
 * Slots that never publish (a thread gocsp did not start, or started before main() ran) stay at IDLE 0: awake for
 * ever, so their presence only ever prevents a report.
 */
import {
  EPOCH,
  IDLE,
  isAlive,
  MAX_THREADS,
  registryWords,
  SLEEP_WORD,
  slot,
  slotIndex,
  WATCH,
} from './registry.js';

/** publishing is set once this thread publishes its idleness (under main()); gocsp's keep-alives are unref'd then. */
export let publishing = false;
let asleep = false;
let onWake: () => void = () => {};

/** publishIdleness starts publishing this thread's idleness; `wake` runs each time it wakes. */
export function publishIdleness(wake: () => void): void {
  publishing = true;
  onWake = wake;
}

/** isAsleep reports whether this thread has published that it sleeps and not woken since. */
export function isAsleep(): boolean {
  return asleep;
}

/** fellAsleep publishes that this thread sleeps; `parking` says its parker waits on SLEEP. */
export function fellAsleep(parking: boolean): void {
  asleep = true;
  Atomics.store(registryWords(), slotIndex(slot(), IDLE), parking ? 2 : 1);
}

/** wokeUp publishes that this thread is awake again; it costs a boolean test when the thread was not asleep. */
export function wokeUp(): void {
  if (!asleep) return;
  asleep = false;
  const w = registryWords();
  const s = slot();
  Atomics.add(w, slotIndex(s, EPOCH), 1);
  Atomics.store(w, slotIndex(s, IDLE), 0);
  onWake();
}

/** sleeping reports whether thread `s` sleeps with no wake-up on its way. */
export function sleeping(s: number): boolean {
  const w = registryWords();
  const idle = Atomics.load(w, slotIndex(s, IDLE));
  return idle === 1 || (idle === 2 && Atomics.load(w, slotIndex(s, SLEEP_WORD)) === 1);
}

/** Snapshot holds the epoch of every live thread, by slot, as collect read them. */
export type Snapshot = ReadonlyMap<number, number>;

/** collect reads the epoch of every live thread, or returns null as soon as one is awake. */
export function collect(): Snapshot | null {
  const w = registryWords();
  const out = new Map<number, number>();
  for (let s = 0; s < MAX_THREADS; s++) {
    if (!isAlive(s)) continue;
    // Epoch first: a thread that then reads as asleep slept from that epoch on (falling asleep bumps nothing).
    const e = Atomics.load(w, slotIndex(s, EPOCH));
    if (!sleeping(s)) return null;
    out.set(s, e);
  }
  return out;
}

/**
 * recollect reports whether every thread of `snap` still sleeps in the same epoch and no other thread lives: then
 * there was an instant between the two reads when every thread slept, and, all being asleep, none can have woken
 * another since.
 */
export function recollect(snap: Snapshot): boolean {
  const w = registryWords();
  for (let s = 0; s < MAX_THREADS; s++) {
    const e = snap.get(s);
    if (!isAlive(s)) {
      if (e !== undefined) return false;
      continue;
    }
    // Asleep first, then the epoch: a wake-up bumps the epoch before it clears IDLE.
    if (e === undefined || !sleeping(s) || Atomics.load(w, slotIndex(s, EPOCH)) !== e) return false;
  }
  return true;
}

/** watchIndex is the index of main's WATCH word in registryWords(). */
export function watchIndex(): number {
  return slotIndex(0, WATCH);
}

/**
 * tellMainIfLast notifies main, if it waits to hear it (WATCH), that every worker sleeps: a worker calls it right
 * after fellAsleep. Of two workers falling asleep at once, at least the later sees the other asleep (Atomics are
 * sequentially consistent), so main is told.
 */
export function tellMainIfLast(): void {
  const w = registryWords();
  const i = watchIndex();
  if (Atomics.load(w, i) !== 1) return;
  const me = slot();
  for (let s = 1; s < MAX_THREADS; s++) if (s !== me && isAlive(s) && !sleeping(s)) return;
  if (Atomics.compareExchange(w, i, 1, 0) === 1) Atomics.notify(w, i);
}
