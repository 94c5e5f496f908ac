/**
 * Scenarios the cross-thread specs run on worker threads. Each is a plain async function of shared channels and
 * plain values, and returns a structured-clonable result.
 */
import { close as closeChan, recvCase, select, sendCase, type Chan, type RecvChan, type SendChan } from '../../../../runtime/index.js';
import { lock } from '../../../../runtime/shared/memory/lock.js';
import { CLOSED, geometry, HEAD, OFFERS, TAIL } from '../../../../runtime/shared/channels/layout.js';
import { ownerToken, slot } from '../../../../runtime/shared/memory/registry.js';
import { Ring } from '../../../../runtime/shared/channels/ring.js';

/** produce sends base+0 .. base+n-1 on ch. */
export async function produce(ch: SendChan<number>, base: number, n: number): Promise<number> {
  for (let i = 0; i < n; i++) await ch.send(base + i);
  return n;
}

/** consume receives until ch is closed and drained; returns count, sum and an xor checksum. */
export async function consume(ch: RecvChan<number>): Promise<{ n: number; sum: number; xor: number }> {
  let n = 0;
  let sum = 0;
  let xor = 0;
  for await (const v of ch) {
    n++;
    sum += v;
    xor ^= v;
  }
  return { n, sum, xor };
}

/** selectSend sends base+0 .. base+n-1, each through a select over all `outs`. */
export async function selectSend(outs: SendChan<number>[], base: number, n: number): Promise<number> {
  for (let i = 0; i < n; i++) {
    const v = base + i;
    await select(outs.map((o) => sendCase(o, v)));
  }
  return n;
}

/** selectRecv receives from whichever of `ins` is ready until `quit` is closed; returns what it saw. */
export async function selectRecv(ins: RecvChan<number>[], quit: RecvChan<number>): Promise<number[]> {
  const seen: number[] = [];
  for (;;) {
    const stop = await select([...ins.map((c) => recvCase(c, (v) => void seen.push(v!))), recvCase(quit, () => true)]);
    if (stop === true) return seen;
  }
}

/** recvOnce receives one value and reports it with ok; flags[0] = 1 just before parking. */
export async function recvOnce(ch: RecvChan<number>, flags: Int32Array): Promise<{ value: number | undefined; ok: boolean }> {
  Atomics.store(flags, 0, 1);
  const r = await ch.recvOk();
  return { value: r.value, ok: r.ok };
}

/** sendOnce sends v, then sets flags[1] = 1 (so the main thread can see when the send completed). */
export async function sendOnce(ch: SendChan<number>, v: number, flags: Int32Array): Promise<string> {
  Atomics.store(flags, 0, 1);
  try {
    await ch.send(v);
    Atomics.store(flags, 1, 1);
    return 'sent';
  } catch (e) {
    return `${(e as Error).name}: ${(e as Error).message}`;
  }
}

/** holdLockAndDie takes the channel's lock word, then exits the thread without releasing it. */
export async function holdLockAndDie(ch: Chan<number>): Promise<void> {
  const words = new Int32Array((ch as unknown as { [k: symbol]: () => { sab: SharedArrayBuffer } })[Symbol.for('gocsp.toWire')]!().sab);
  lock(words, 0);
  process.exit(0);
}

/**
 * claimAndDie claims the next position of buffered channel ch's ring, as a send does before it writes the value,
 * then exits the thread before publishing it (what worker.terminate() can do between two statements).
 */
export async function claimAndDie(ch: Chan<number>): Promise<void> {
  const sab = (ch as unknown as { [k: symbol]: () => { sab: SharedArrayBuffer } })[Symbol.for('gocsp.toWire')]!().sab;
  const words = new Int32Array(sab);
  const layout = { tail: TAIL, head: HEAD, closed: CLOSED, records: OFFERS, ringOffset: geometry(ch.cap(), 4).ringOffset, cap: ch.cap(), slotBytes: 4 };
  const ring = new Ring(words, layout, slot(), ownerToken(), false);
  if (ring.reservePush() < 0) throw new Error('claimAndDie: no room');
  process.exit(0);
}

/** closeIt closes ch. */
export function closeIt(ch: SendChan<number>): string {
  closeChan(ch);
  return 'closed';
}

/** spinThenSend busy-waits `ms` (no timer, so nothing else keeps the process alive), then sends v. */
export async function spinThenSend(ch: SendChan<number>, ms: number, v: number): Promise<string> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    /* busy */
  }
  await ch.send(v);
  return 'sent';
}

/**
 * alternate writes, until flags[0] is set, `a` and then `b` into the words of `sab` at `at` (a[i] into word at[i]),
 * over and over: memory that keeps changing under a channel, as corrupted memory being scribbled over would.
 */
export function alternate(sab: SharedArrayBuffer, at: number[], a: number[], b: number[], flags: Int32Array): string {
  const w = new Int32Array(sab);
  Atomics.store(flags, 1, 1);
  for (let turn = 0; Atomics.load(flags, 0) === 0; turn ^= 1) {
    const v = turn === 0 ? a : b;
    for (let i = 0; i < at.length; i++) Atomics.store(w, at[i]!, v[i]!);
  }
  return 'stopped';
}

/** holdLockWord takes the lock word 0 of `sab` (a channel's LOCK) and keeps it, alive, until flags[0] is set. */
export function holdLockWord(sab: SharedArrayBuffer, flags: Int32Array): string {
  const w = new Int32Array(sab);
  lock(w, 0);
  Atomics.store(flags, 1, 1);
  while (Atomics.load(flags, 0) === 0) Atomics.wait(flags, 0, 0, 10);
  Atomics.store(w, 0, 0);
  return 'released';
}
