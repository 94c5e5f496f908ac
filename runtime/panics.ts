/**
 * Errors raised by the runtime, in two families.
 *
 * Panics are misuse that Go reports with `panic(...)` (or `fatal error: ...`): a send on a closed channel, a negative
 * WaitGroup counter, a bad argument. Each is a named class whose message is Go's text word for word and whose `code`
 * is stable. They are thrown synchronously at the faulty call, or used to reject a parked operation that the faulty
 * state woke (a sender parked on a channel that gets closed).
 *
 * Expected failures (a canceled context, a passed deadline) live beside the feature that raises them
 * (runtime/context/cancel-errors.ts).
 *
 * Class identity does not survive crossing a thread, so every class has a guard that checks `code` instead.
 */

/**
 * PanicError is the base class of every runtime panic. `code` identifies the panic across threads.
 *
 * @example
 * try {
 *   chan<number>(-1);
 * } catch (e) {
 *   if (e instanceof PanicError) console.log(e.code); // ERR_INVALID_ARGUMENT
 * }
 */
export class PanicError extends Error {
  override name = 'PanicError';
  readonly code: string;
  constructor(message: string, code: string) {
    super(message);
    this.code = code;
  }
}

/**
 * ChannelClosedError is Go's `send on closed channel` panic.
 *
 * @example
 * const ch = chan<number>(1);
 * ch.close();
 * await ch.send(1).catch((e: unknown) => console.log(e instanceof ChannelClosedError, String(e)));
 * // true ChannelClosedError: send on closed channel
 */
export class ChannelClosedError extends PanicError {
  override name = 'ChannelClosedError';
  constructor() {
    super('send on closed channel', 'ERR_SEND_ON_CLOSED_CHANNEL');
  }
}

/**
 * CloseOfClosedChannelError is Go's `close of closed channel` panic.
 *
 * @example
 * const ch = chan<number>();
 * ch.close();
 * try { ch.close(); } catch (e) { console.log(e instanceof CloseOfClosedChannelError); } // true
 */
export class CloseOfClosedChannelError extends PanicError {
  override name = 'CloseOfClosedChannelError';
  constructor() {
    super('close of closed channel', 'ERR_CLOSE_OF_CLOSED_CHANNEL');
  }
}

/**
 * CloseOfNilChannelError is Go's `close of nil channel` panic.
 *
 * @example
 * try { close(nil); } catch (e) { console.log((e as CloseOfNilChannelError).message); } // close of nil channel
 */
export class CloseOfNilChannelError extends PanicError {
  override name = 'CloseOfNilChannelError';
  constructor() {
    super('close of nil channel', 'ERR_CLOSE_OF_NIL_CHANNEL');
  }
}

/**
 * SyncMisuseError is a panic or fatal error of the sync primitives, with Go's text: `sync: negative WaitGroup
 * counter`, `sync: unlock of unlocked mutex`, `semaphore: released more than held`, ...
 *
 * @example
 * try {
 *   new Mutex().unlock();
 * } catch (e) {
 *   if (e instanceof SyncMisuseError) console.log(e.message, e.fatal); // sync: unlock of unlocked mutex true
 * }
 */
export class SyncMisuseError extends PanicError {
  override name = 'SyncMisuseError';
  /** fatal is true where Go reports `fatal error:` (unrecoverable in Go; in JS it is still a throw). */
  readonly fatal: boolean;
  constructor(message: string, code: string, fatal = false) {
    super(message, code);
    this.fatal = fatal;
  }
}

/**
 * InvalidArgumentError is a bad argument at a call: the message names the function, the argument and the value,
 * and nothing was changed.
 *
 * @example
 * try { chan<number>(1.5); } catch (e) { if (e instanceof InvalidArgumentError) console.log(e.message); }
 * // the message names chan, capacity and 1.5
 */
export class InvalidArgumentError extends PanicError {
  override name = 'InvalidArgumentError';
  constructor(message: string) {
    super(message, 'ERR_INVALID_ARGUMENT');
  }
}

/**
 * DeadlockError reports that every goroutine of a synctest bubble is parked and no timer is pending: nothing can
 * ever wake them (Go's `fatal error: all goroutines are asleep - deadlock!`).
 *
 * @example
 * await synctest.run(async () => {
 *   await chan<number>().recv(); // nobody will ever send
 * }).catch((e: unknown) => console.log(e instanceof DeadlockError)); // true
 */
export class DeadlockError extends PanicError {
  override name = 'DeadlockError';
  constructor(message = 'all goroutines are asleep - deadlock!') {
    super(message, 'ERR_DEADLOCK');
  }
}

/**
 * EncodeError is a value that a shared-memory codec cannot carry faithfully: the wrong type for the codec (`int32
 * codec: cannot encode 1.5 (not an integer in [-2147483648, 2147483647])`), a value JSON or v8.serialize refuses (a
 * cycle, a function), or one it would not give back as sent, named where it is in the value (`json codec: cannot
 * encode {...} (.at is a Date: JSON cannot carry it (use codec.structured))`, a local channel, a class instance). It
 * is thrown by the send before a byte of the slot is written.
 *
 * @example
 * const ch = sharedChan(codec.int32, 1);
 * try { ch.trySend(1.5); } catch (e) { if (e instanceof EncodeError) console.log(e.codec, ch.len()); } // int32 0
 */
export class EncodeError extends PanicError {
  override name = 'EncodeError';
  /** codec is the kind of the codec that refused the value ('int32', 'json', ...). */
  readonly codec: string;
  constructor(codec: string, what: string, reason: string, cause?: unknown) {
    super(`${codec} codec: cannot encode ${what} (${reason})`, 'ERR_CODEC_ENCODE');
    this.codec = codec;
    if (cause !== undefined) this.cause = cause;
  }
}

/**
 * ValueTooLargeError is a value whose encoding is longer than a hard limit, thrown before a byte is written. The
 * limits that remain: a record's string field (`record codec: field "name" encodes to 40 bytes, more than maxBytes
 * 32`: a record's layout is fixed), a codec's own encode into a slot you manage (`string codec: value encodes to 300
 * bytes, more than maxBytes 256`), and, through a shared channel, which stores a value longer than its slot out of
 * line, a value over 1 GiB or more than the out-of-line memory has left (`structured codec: value encodes to ...
 * bytes, more than the out-of-line limit 1073741808`).
 *
 * @example
 * const people = sharedChan(codec.record({ fields: { age: 'int32', name: { string: 8 } } }), 4);
 * try {
 *   people.trySend({ age: 30, name: 'Bartholomew Jr.' });
 * } catch (e) {
 *   if (e instanceof ValueTooLargeError) console.log(e.size > e.limit, e.limit); // true 8
 * }
 */
export class ValueTooLargeError extends PanicError {
  override name = 'ValueTooLargeError';
  /** codec is the kind of the codec that refused the value. */
  readonly codec: string;
  /** size is the length of the encoded value in bytes. */
  readonly size: number;
  /** limit is the limit it exceeds, in bytes (maxBytes for a slot). */
  readonly limit: number;
  constructor(codec: string, size: number, limit: number, what = 'value', limitName = 'maxBytes') {
    super(`${codec} codec: ${what} encodes to ${size} bytes, more than ${limitName} ${limit}`, 'ERR_VALUE_TOO_LARGE');
    this.codec = codec;
    this.size = size;
    this.limit = limit;
  }
}

/**
 * DecodeError is a slot that does not hold what its codec wrote: a length prefix beyond `maxBytes`, bytes that do
 * not parse. It means corrupted shared memory or two threads using different codecs on one channel.
 *
 * @example
 * const ch = sharedChan(codec.json<{ id: number }>(), 8);
 * try {
 *   ch.tryRecv();
 * } catch (e) {
 *   if (e instanceof DecodeError) console.error(`channel memory is corrupt (${e.codec} codec):`, e.message);
 * }
 */
export class DecodeError extends PanicError {
  override name = 'DecodeError';
  /** codec is the kind of the codec that could not read the slot. */
  readonly codec: string;
  constructor(codec: string, reason: string, cause?: unknown) {
    super(`${codec} codec: cannot decode the slot (${reason})`, 'ERR_CODEC_DECODE');
    this.codec = codec;
    if (cause !== undefined) this.cause = cause;
  }
}

/**
 * SharedMemoryError is shared memory that does not hold what gocsp wrote there: a ring position outside its range,
 * a slot whose sequence word contradicts the ring's head or tail, a lock held past any critical section. It means
 * corrupted memory (something else wrote into the channel's buffer) or a thread using another layout. A synchronous
 * operation that meets it throws it instead of spinning for ever.
 *
 * @example
 * const ch = sharedChan(codec.int32, 8);
 * try {
 *   ch.tryRecv();
 * } catch (e) {
 *   if (e instanceof SharedMemoryError) console.error('something else wrote into the channel:', e.message);
 * }
 */
export class SharedMemoryError extends PanicError {
  override name = 'SharedMemoryError';
  constructor(message: string) {
    super(message, 'ERR_SHARED_MEMORY');
  }
}

/**
 * TooManyParkedError is an operation on a shared channel that cannot park because its thread already has as many
 * parked there as the runtime can track: MAX_PARKED_PER_THREAD (about 24 million) at once, or fewer if the memory
 * shared by all threads (4 GiB) runs out first. Go has no such limit; here each parked operation costs a 4-byte word
 * of shared memory. The refused operation changes nothing: no value is sent or taken, and the operations already
 * parked go on as if it had never been tried.
 *
 * @example
 * try {
 *   await ch.send(v);
 * } catch (e) {
 *   if (isTooManyParkedError(e)) await sleep(Millisecond); // others are parked on this thread: try again later
 *   else throw e;
 * }
 */
export class TooManyParkedError extends PanicError {
  override name = 'TooManyParkedError';
  constructor(message: string) {
    super(message, 'ERR_TOO_MANY_PARKED');
  }
}

const codeOf = (e: unknown): unknown =>
  typeof e === 'object' && e !== null ? (e as { code?: unknown }).code : undefined;

/*
 * Threads. ThreadDiedError is the failure of goroutines whose worker thread died under them: an uncaught throw outside
 * goroutines, a `process.exit()` in a task, or running out of memory under `resourceLimits`. The scheduler replaces
 * the worker and reports every goroutine that was on it with this error: as a panic of that goroutine (`go`), or as
 * the rejection of its `goThread` promise. Shutting the threads down also rejects the `goThread` promises still
 * pending with it (the goroutines of plain `go` are abandoned silently, as Go abandons goroutines when main returns).
 *
 * TaskModuleError is the failure of goroutines whose task module failed as a worker imported it to find the task.
 * The import runs the module's top level on the worker; a throw there, or a call to process.exit, is reported with it.
 */

/**
 * ThreadDiedError reports that the worker thread running a goroutine died; `cause` is what killed it, if known.
 *
 * @example
 * export const crash = task(function crash(): void {
 *   process.exit(3); // ends the worker thread, not the program
 * });
 * main(async () => {
 *   const e = await goThread(crash).catch((x: unknown) => x);
 *   if (e instanceof ThreadDiedError) console.log(e.exitCode); // 3
 * });
 */
export class ThreadDiedError extends PanicError {
  override name = 'ThreadDiedError';
  /** slot is the thread slot of the worker that died (see threadSlot). */
  readonly slot: number;
  /** exitCode is the worker's exit code, or null if it was not known when the error was made. */
  readonly exitCode: number | null;

  constructor(message: string, slot: number, exitCode: number | null = null, cause?: unknown) {
    super(message, 'ERR_THREAD_DIED');
    this.slot = slot;
    this.exitCode = exitCode;
    if (cause !== undefined) this.cause = cause;
  }
}

/**
 * TaskModuleError reports that a worker could not import a task's module: its top level, which runs again on every
 * worker that imports the module, threw (the error is the `cause`) or called process.exit. The message names the
 * module and the thread. The goroutine fails with it (a panic for go, a rejection for goThread); the worker lives on.
 *
 * @example
 * // tasks.ts: reads a file named on the command line, at the top level; on a worker there is no such argument
 * const config = JSON.parse(readFileSync(process.argv[2]!, 'utf8'));
 * // main.ts
 * await goThread(work).catch((e) => isTaskModuleError(e)); // true
 */
export class TaskModuleError extends PanicError {
  override name = 'TaskModuleError';

  constructor(message: string, cause?: unknown) {
    super(message, 'ERR_TASK_MODULE');
    if (cause !== undefined) this.cause = cause;
  }
}

/**
 * isPanicError reports whether `e` is any runtime panic (by its code prefix, so it works across threads).
 *
 * @example
 * setPanicHandler((e, id) => console.error(isPanicError(e) ? `misuse in goroutine ${id}:` : 'crash:', e));
 */
export const isPanicError = (e: unknown): e is PanicError => {
  const code = codeOf(e);
  return typeof code === 'string' && (PANIC_CODES.has(code) || code.startsWith('ERR_SYNC_'));
};
/**
 * isChannelClosedError reports whether `e` is the `send on closed channel` panic.
 *
 * @example
 * const out = chan<number>(1);
 * out.close();
 * const sent = await out.send(1).then(() => true, (e) => (isChannelClosedError(e) ? false : Promise.reject(e)));
 * console.log(sent); // false
 */
export const isChannelClosedError = (e: unknown): e is ChannelClosedError =>
  codeOf(e) === 'ERR_SEND_ON_CLOSED_CHANNEL';
/**
 * isCloseOfClosedChannelError reports whether `e` is the `close of closed channel` panic.
 *
 * @example
 * const done = chan<void>();
 * const closeOnce = (): void => { try { done.close(); } catch (e) { if (!isCloseOfClosedChannelError(e)) throw e; } };
 * closeOnce();
 * closeOnce(); // the second close is ignored
 */
export const isCloseOfClosedChannelError = (e: unknown): e is CloseOfClosedChannelError =>
  codeOf(e) === 'ERR_CLOSE_OF_CLOSED_CHANNEL';
/**
 * isCloseOfNilChannelError reports whether `e` is the `close of nil channel` panic.
 *
 * @example
 * try { close(nil); } catch (e) { console.log(isCloseOfNilChannelError(e)); } // true
 */
export const isCloseOfNilChannelError = (e: unknown): e is CloseOfNilChannelError =>
  codeOf(e) === 'ERR_CLOSE_OF_NIL_CHANNEL';
/**
 * isInvalidArgumentError reports whether `e` is a bad-argument error.
 *
 * @example
 * const size = Number(process.env['QUEUE'] ?? 'ten');
 * try { chan<string>(size); } catch (e) { if (isInvalidArgumentError(e)) console.error('bad QUEUE:', e.message); }
 */
export const isInvalidArgumentError = (e: unknown): e is InvalidArgumentError => codeOf(e) === 'ERR_INVALID_ARGUMENT';
/**
 * isDeadlockError reports whether `e` is a deadlock report.
 *
 * @example
 * const r = await synctest.run(async () => { await sleep(Hour); }).catch((e) => e);
 * console.log(isDeadlockError(r)); // false: a timer was pending, so virtual time moved on
 * const d = await synctest.run(async () => { await chan().recv(); }).catch((e) => e);
 * console.log(isDeadlockError(d)); // true
 */
export const isDeadlockError = (e: unknown): e is DeadlockError => codeOf(e) === 'ERR_DEADLOCK';
/**
 * isEncodeError reports whether `e` is a value a shared-memory codec cannot encode.
 *
 * @example
 * const ch = sharedChan(codec.json<unknown>(), 4);
 * try { ch.trySend({ at: new Date() }); } catch (e) { console.log(isEncodeError(e)); } // true: JSON has no Date
 */
export const isEncodeError = (e: unknown): e is EncodeError => codeOf(e) === 'ERR_CODEC_ENCODE';
/**
 * isValueTooLargeError reports whether `e` is a value longer than a hard limit of its codec (see ValueTooLargeError).
 *
 * @example
 * const ch = sharedChan(codec.record({ fields: { code: { string: 3 } } }), 1);
 * try { ch.trySend({ code: 'EURO' }); } catch (e) { console.log(isValueTooLargeError(e)); } // true
 */
export const isValueTooLargeError = (e: unknown): e is ValueTooLargeError => codeOf(e) === 'ERR_VALUE_TOO_LARGE';
/**
 * isDecodeError reports whether `e` is a slot its codec cannot read.
 *
 * @example
 * const ch = sharedChan(codec.string({ maxBytes: 64 }), 8);
 * let line: string | undefined;
 * try { line = ch.tryRecv()?.value; } catch (e) { if (isDecodeError(e)) line = '<unreadable>'; else throw e; }
 */
export const isDecodeError = (e: unknown): e is DecodeError => codeOf(e) === 'ERR_CODEC_DECODE';
/**
 * isSharedMemoryError reports whether `e` is corrupted shared memory met by an operation.
 *
 * @example
 * const ch = sharedChan(codec.int32, 8);
 * await ch.send(1).catch((e) => { if (isSharedMemoryError(e)) process.exitCode = 70; throw e; });
 */
export const isSharedMemoryError = (e: unknown): e is SharedMemoryError => codeOf(e) === 'ERR_SHARED_MEMORY';
/**
 * isTooManyParkedError reports whether `e` is an operation refused because its thread has too many parked.
 *
 * @example
 * const ok = await ch.send(v).then(() => true, (e) => (isTooManyParkedError(e) ? false : Promise.reject(e)));
 */
export const isTooManyParkedError = (e: unknown): e is TooManyParkedError => codeOf(e) === 'ERR_TOO_MANY_PARKED';
/**
 * isSyncMisuseError reports whether `e` is a misuse panic of a sync primitive.
 *
 * @example
 * const wg = new WaitGroup();
 * try { wg.done(); } catch (e) { console.log(isSyncMisuseError(e)); } // true: sync: negative WaitGroup counter
 */
export const isSyncMisuseError = (e: unknown): e is SyncMisuseError =>
  typeof codeOf(e) === 'string' && (codeOf(e) as string).startsWith('ERR_SYNC_');

/**
 * isThreadDiedError reports whether `e` is a ThreadDiedError (by its code, so it works across threads).
 *
 * @example
 * export const risky = task(function risky(n: number): number {
 *   if (n > 2) process.exit(1);
 *   return n;
 * });
 * main(async () => {
 *   const results = await Promise.allSettled([1, 2, 3].map((n) => goThread(risky, n)));
 *   console.log(results.map((r) => (r.status === 'fulfilled' ? r.value : isThreadDiedError(r.reason)))); // [ 1, 2, true ]
 * });
 */
export const isThreadDiedError = (e: unknown): e is ThreadDiedError => hasCode(e, 'ERR_THREAD_DIED');

/**
 * isTaskModuleError reports whether `e` is a TaskModuleError (by its code, so it works across threads).
 *
 * @example
 * export const work = task(function work(): string { return 'done'; });
 * main(async () => {
 *   const r = await goThread(work).catch((e) => (isTaskModuleError(e) ? `task module failed: ${String(e.cause)}` : 'other'));
 *   console.log(r); // done (a module whose top level throws on a worker would fail here)
 * });
 */
export const isTaskModuleError = (e: unknown): e is TaskModuleError => hasCode(e, 'ERR_TASK_MODULE');

/**
 * hasCode reports whether `e` is an object whose `code` is `code`: how gocsp's is* functions recognize their errors
 * across threads and realms, where instanceof does not hold. Internal (runtime/nats uses it too).
 */
export const hasCode = (e: unknown, code: string): boolean =>
  typeof e === 'object' && e !== null && (e as { code?: unknown }).code === code;

const PANIC_CODES = new Set([
  'ERR_SEND_ON_CLOSED_CHANNEL',
  'ERR_CLOSE_OF_CLOSED_CHANNEL',
  'ERR_CLOSE_OF_NIL_CHANNEL',
  'ERR_INVALID_ARGUMENT',
  'ERR_DEADLOCK',
  'ERR_CODEC_ENCODE',
  'ERR_VALUE_TOO_LARGE',
  'ERR_CODEC_DECODE',
  'ERR_SHARED_MEMORY',
  'ERR_TOO_MANY_PARKED',
  'ERR_THREAD_DIED',
]);
