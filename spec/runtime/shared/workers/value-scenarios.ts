/**
 * Scenarios of the specs of values that are not bytes in a slot (chan-of-chans.spec.ts, out-of-line.spec.ts): shared
 * objects sent through shared channels, and values longer than their slot. Each runs on a worker thread of its own.
 */
import { recvCase, select, sendCase, type Chan, type RecvChan, type SendChan } from '../../../../runtime/index.js';
import { CLOSED, geometry, HEAD, OFFERS, TAIL } from '../../../../runtime/shared/channels/layout.js';
import { ownerToken, slot } from '../../../../runtime/shared/memory/registry.js';
import { Ring } from '../../../../runtime/shared/channels/ring.js';
import { int32 } from '../../../../runtime/shared/codecs/scalars.js';
import { sharedChan, type SharedChan } from '../../../../runtime/shared/channels/shared-chan.js';
import { SharedMutex } from '../../../../runtime/shared/sync/shared-mutex.js';

/** Ask is a request carrying the channel its answer goes to. */
export interface Ask {
  readonly n: number;
  readonly reply: SendChan<number>;
}

/** serve answers every request with 2n on its reply channel, until `requests` is closed; returns how many. */
export async function serve(requests: RecvChan<Ask>): Promise<number> {
  let count = 0;
  for await (const r of requests) {
    await r.reply.send(2 * r.n);
    count++;
  }
  return count;
}

/** serveSelect is serve with every receive and every answer made through a select. */
export async function serveSelect(requests: RecvChan<Ask>, quit: RecvChan<number>): Promise<number> {
  let count = 0;
  for (;;) {
    const r = await select([recvCase(requests, (v: Ask | undefined, ok) => (ok ? v! : null)), recvCase(quit, () => null)]);
    if (r === null) return count;
    await select([sendCase(r.reply, 2 * r.n, () => {}), recvCase(quit, () => {})]);
    count++;
  }
}

/** answerOne answers one request (the late-joiner case: the request was sent before this thread started). */
export async function answerOne(requests: RecvChan<Ask>): Promise<string> {
  const r = (await requests.recv())!;
  await r.reply.send(7);
  return 'answered';
}

/** Handed is what makeAndPass hands to useGiven: a channel and a mutex this thread made. */
export interface Handed {
  readonly ch: SharedChan<number>;
  readonly mu: SharedMutex;
}

/**
 * makeAndPass makes a shared channel and a shared mutex on this thread, locks the mutex, sends both through `pipe`
 * to whoever receives (another worker that was never given them), unlocks, and returns what comes back on the channel.
 */
export async function makeAndPass(pipe: SendChan<Handed>): Promise<number> {
  const ch = sharedChan(int32, 0);
  const mu = new SharedMutex();
  await mu.lock();
  await pipe.send({ ch, mu });
  mu.unlock();
  return (await ch.recv())!;
}

/** useGiven receives a channel and a mutex made by another worker, takes the mutex, and sends 42 on the channel. */
export async function useGiven(pipe: RecvChan<Handed>): Promise<string> {
  const { ch, mu } = (await pipe.recv())!;
  await mu.lock(); // held by its maker until the hand-off completed
  await ch.send(42);
  mu.unlock();
  return 'sent';
}

/** Counter is a mutex and the memory it guards, sent as one value. */
export interface Counter {
  readonly mu: SharedMutex;
  readonly counts: Int32Array;
}

/** countUnderMutex receives a Counter and adds 1 to counts[0] n times, each under the mutex (non-atomic steps). */
export async function countUnderMutex(inbox: RecvChan<Counter>, n: number): Promise<number> {
  const { mu, counts } = (await inbox.recv())!;
  for (let i = 0; i < n; i++) {
    await mu.lock();
    const v = counts[0]!;
    await Promise.resolve(); // let another goroutine run mid-section: only the mutex keeps the count right
    counts[0] = v + 1;
    mu.unlock();
  }
  return n;
}

/** Big is a value several times longer than a default 1024-byte slot (about 3 KB serialized). */
export interface Big {
  readonly id: number;
  readonly pad: string;
  readonly tags: Map<number, string>;
}

/** big makes value `id`: 3000 characters of padding derived from it, and a Map. */
export function big(id: number): Big {
  return { id, pad: String(id % 10).repeat(3000), tags: new Map([[id, `t${id}`]]) };
}

/** produceBig sends big(base + i) for i < n. */
export async function produceBig(ch: SendChan<Big>, base: number, n: number): Promise<number> {
  for (let i = 0; i < n; i++) await ch.send(big(base + i));
  return n;
}

/** consumeBig receives until ch is closed and returns the ids it got, having checked every value is whole. */
export async function consumeBig(ch: RecvChan<Big>): Promise<number[]> {
  const ids: number[] = [];
  for await (const v of ch) {
    const want = big(v.id);
    if (v.pad !== want.pad || v.tags.get(v.id) !== `t${v.id}`) throw new Error(`consumeBig: value ${v.id} is damaged`);
    ids.push(v.id);
  }
  return ids;
}

/** sendBigAndPark sets flags[0], then sends a long value on an unbuffered channel, which parks until taken. */
export async function sendBigAndPark(ch: SendChan<Big>, flags: Int32Array): Promise<string> {
  const p = ch.send(big(1));
  Atomics.store(flags, 0, 1);
  await p;
  return 'sent';
}

/**
 * popAndDie claims the next position of buffered channel ch's ring, as a receive does before it reads the value,
 * then exits the thread without reading it (what worker.terminate() can do between two statements).
 */
export async function popAndDie(ch: Chan<unknown>, slotBytes: number): Promise<void> {
  const sab = (ch as unknown as { [k: symbol]: () => { sab: SharedArrayBuffer } })[Symbol.for('gocsp.toWire')]!().sab;
  const words = new Int32Array(sab);
  const layout = {
    tail: TAIL,
    head: HEAD,
    closed: CLOSED,
    records: OFFERS,
    ringOffset: geometry(ch.cap(), slotBytes).ringOffset,
    cap: ch.cap(),
    slotBytes,
  };
  const ring = new Ring(words, layout, slot(), ownerToken(), false);
  if (ring.reservePop() < 0) throw new Error('popAndDie: nothing to claim');
  process.exit(0);
}
