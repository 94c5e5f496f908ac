/**
 * The SAB directory: how the SharedArrayBuffers inside a value sent through a shared channel (a shared channel or
 * mutex, a SharedArrayBuffer, a view of one) reach whichever thread receives the value.
 *
 * A slot holds bytes, and a SharedArrayBuffer is not bytes: a thread gets one only in a message (postMessage,
 * workerData). So the sender deposits the value's buffers under a token (a program-wide number, registry.nextToken)
 * before the value is published, by posting them on the program's BroadcastChannel, which every thread of the
 * program opens when it joins the registry: each thread files what it receives. The receiver of the value takes
 * them back by token and posts that the token is consumed, and every thread forgets it.
 *
 * Messages (arrays, the first item is the kind):
 *   [DEPOSIT, token, sabs]       file sabs under token
 *   [CONSUMED, token]            forget token (received, or its send never completed)
 *   [WANT, token, owner]         the thread with owner token `owner` needs token: whoever has it replies
 *   [REPLY, token, owner, sabs]  the answer, filed only by the thread that asked
 *
 * Why this is enough: a post is queued in every other member's port as it is made (Node copies it into each port's
 * queue under a lock), before the sender publishes the value with an Atomics store; so a member that sees the value
 * published finds the deposit in its queue, and takes it at once with receiveMessageOnPort, even if its event loop is
 * busy. Between a member's turns, its onmessage files what came (the queue does not grow). The one exception is a
 * thread that joined after a deposit was posted (a worker started late, handed a channel that already held the
 * value): it asks (WANT), and every member that has the token answers from its event loop; a worker waits for the
 * answer in short Atomics.wait naps, the main thread (which must not block) spins. Every member that had joined at
 * the deposit keeps it until it is consumed, the sender first among them: so the wait lasts as long as the sender is
 * alive (registry.isOwnerAlive; it answers once its event loop turns), and WANT_TIMEOUT_MS more once it is not,
 * after which the receive fails with DecodeError (every thread that had the deposit has exited).
 *
 * Order: a deposit precedes its consumption in every member's queue (the consumer saw the value, published after
 * the deposit was queued everywhere), so a member never files a token after forgetting it. Replies are filed only by
 * the thread that asked, and only while it still waits.
 *
 * Cost: a deposit and a consumption are a broadcast each (a few microseconds to post, a few on every other thread
 * to file): fine for shared objects, too much for bulk data, which goes to the arena instead (arena.ts).
 * A value that is never received (its channel dropped while still holding it) keeps its buffers filed: drain or
 * close-and-drain a channel of shared objects before dropping it.
 */
import { BroadcastChannel, isMainThread, receiveMessageOnPort } from 'node:worker_threads';
import { DecodeError } from '../../panics.js';
import { isOwnerAlive, nextToken, onJoin, ownerToken, registryKey } from './registry.js';

const DEPOSIT = 0;
const CONSUMED = 1;
const WANT = 2;
const REPLY = 3;

/**
 * WANT_TIMEOUT_MS is how long a thread that joined late waits for an answer to WANT once the sender has exited,
 * before giving up.
 */
export const WANT_TIMEOUT_MS = 10_000;

type Msg =
  | readonly [typeof DEPOSIT, number, readonly SharedArrayBuffer[]]
  | readonly [typeof CONSUMED, number]
  | readonly [typeof WANT, number, number]
  | readonly [typeof REPLY, number, number, readonly SharedArrayBuffer[]];

let bc: BroadcastChannel | null = null;
let me = 0;
/** filed holds the deposits this thread knows of and that are not consumed yet, by token. */
const filed = new Map<number, readonly SharedArrayBuffer[]>();
/** asked holds the tokens this thread asked for (WANT) and still waits for. */
const asked = new Set<number>();
const nap = new Int32Array(new SharedArrayBuffer(4));

onJoin(() => {
  if (bc !== null) return;
  me = ownerToken();
  bc = new BroadcastChannel(`gocsp:sab-directory:${registryKey()}`);
  bc.onmessage = (e: unknown) => handle((e as { data: Msg }).data);
  // The directory never keeps a thread alive: the channels and goroutines that use it do.
  (bc as unknown as { unref(): void }).unref();
});

function channel(): BroadcastChannel {
  if (bc === null) registryKey(); // joins the registry, which opens the channel
  return bc!;
}

function handle(m: Msg): void {
  switch (m[0]) {
    case DEPOSIT:
      filed.set(m[1], m[2]);
      return;
    case CONSUMED:
      filed.delete(m[1]);
      return;
    case WANT: {
      const sabs = filed.get(m[1]);
      if (sabs !== undefined) channel().postMessage([REPLY, m[1], m[2], sabs] satisfies Msg);
      return;
    }
    case REPLY:
      if (m[2] === me && asked.delete(m[1])) filed.set(m[1], m[3]);
      return;
  }
}

/** drain files every message already queued for this thread, without waiting for its event loop. */
function drain(): void {
  const port = channel();
  for (let r = receiveMessageOnPort(port as never); r !== undefined; r = receiveMessageOnPort(port as never)) {
    handle((r as { message: Msg }).message);
  }
}

/** deposit files `sabs` for the receiver of a value about to be published, and returns their token. */
export function deposit(sabs: readonly SharedArrayBuffer[]): number {
  const port = channel();
  const token = nextToken();
  filed.set(token, sabs);
  port.postMessage([DEPOSIT, token, sabs] satisfies Msg);
  return token;
}

/**
 * take returns the buffers deposited under `token` by the thread with owner token `sender`, and consumes it. It
 * throws DecodeError (naming `codec`) if no thread answers within WANT_TIMEOUT_MS of the sender's exit.
 */
export function take(token: number, sender: number, codec: string): readonly SharedArrayBuffer[] {
  let sabs = filed.get(token);
  if (sabs === undefined) {
    drain();
    sabs = filed.get(token) ?? ask(token, sender, codec);
  }
  release(token);
  return sabs;
}

/** release consumes `token` without taking its buffers (a send that did not complete, a value that is dropped). */
export function release(token: number): void {
  filed.delete(token);
  channel().postMessage([CONSUMED, token] satisfies Msg);
}

/** ask gets a deposit made before this thread joined, from the threads that have it. */
function ask(token: number, sender: number, codec: string): readonly SharedArrayBuffer[] {
  asked.add(token);
  channel().postMessage([WANT, token, me] satisfies Msg);
  let until = Infinity;
  for (;;) {
    drain();
    const sabs = filed.get(token);
    if (sabs !== undefined) return sabs;
    if (until === Infinity && !isOwnerAlive(sender)) until = Date.now() + WANT_TIMEOUT_MS;
    if (Date.now() > until) {
      asked.delete(token);
      throw new DecodeError(
        codec,
        `the shared memory of this value (token ${token}) was not found: every thread that had it has exited`,
      );
    }
    if (!isMainThread) Atomics.wait(nap, 0, 0, 1);
  }
}

/** filedTokens is how many deposits this thread holds (tests: nothing is left behind). */
export function filedTokens(): number {
  if (bc !== null) drain();
  return filed.size;
}
