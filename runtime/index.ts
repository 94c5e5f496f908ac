/**
 * gocsp/runtime: Go's goroutines, channels, select, time, sync, context and errgroup for one thread.
 */
export { go, numGoroutine } from './go.js';
export { main, type MainOptions, type Traceback } from './main.js';
export { gosched } from './sched/gosched.js';
export { goroutineDump } from './sched/dump.js';
export { goroutineDumpAll } from './threads/dump-all.js';
export { setPanicHandler, type PanicHandler } from './sched/panic.js';
export { chan } from './chan/local-chan.js';
export type { Chan, SendChan, RecvChan, RecvResult } from './chan/types.js';
export { nil, send, recv, recvOk, close, len, cap } from './chan/nil.js';
export { select, recvCase, sendCase, type SelectCase } from './select.js';
export { Timer, Ticker, newTimer, after, newTicker, tick, type TickChan } from './time/timer.js';
export { AfterFuncTimer } from './time/after-func.js';
export { sleep, now, nowMillis, nanotime, since } from './time/sleep.js';
export { Nanosecond, Microsecond, Millisecond, Second, Minute, Hour } from './time/duration.js';
export { synctest } from './synctest.js';
export {
  PanicError,
  ChannelClosedError,
  CloseOfClosedChannelError,
  CloseOfNilChannelError,
  SyncMisuseError,
  InvalidArgumentError,
  DeadlockError,
  isPanicError,
  isChannelClosedError,
  isCloseOfClosedChannelError,
  isCloseOfNilChannelError,
  isInvalidArgumentError,
  isDeadlockError,
  isSyncMisuseError,
} from './panics.js';
// context
export type {
  Context,
  CancelableContext,
  NeverCanceledContext,
  CancelFunc,
  CancelCauseFunc,
} from './context/context.js';
export { background, todo } from './context/background.js';
export { withCancel, withCancelCause, cause } from './context/cancel-ctx.js';
export { withDeadline, withDeadlineCause, withTimeout, withTimeoutCause } from './context/timer-ctx.js';
export { withValue } from './context/value-ctx.js';
export { withoutCancel } from './context/without-cancel.js';
export { afterFunc } from './context/context-after-func.js';
export { fromSignal } from './context/signal.js';
export {
  Canceled,
  DeadlineExceeded,
  CanceledError,
  DeadlineExceededError,
  isCanceled,
  isDeadlineExceeded,
} from './context/cancel-errors.js';
// streams and iterables
export type { SourceChan } from './streams/source-chan.js';
export type { CancelOptions } from './streams/cancel-options.js';
export { fromAsyncIterable } from './streams/from-async-iterable.js';
export { fromReadable } from './streams/from-readable.js';
export { toAsyncIterable } from './streams/to-async-iterable.js';
export { toWritable, type ToWritableOptions } from './streams/to-writable.js';
// errgroup
export { Group, withContext } from './errgroup.js';
// sync
export { WaitGroup } from './sync/wait-group.js';
export { Mutex } from './sync/mutex.js';
export { RWMutex } from './sync/rw-mutex.js';
export type { Locker } from './sync/locker.js';
export { Cond } from './sync/cond.js';
export { Once, onceFunc, onceValue } from './sync/once.js';
export { Semaphore } from './sync/semaphore.js';
export { SingleflightGroup, type SingleflightResult } from './sync/singleflight.js';
// threads
export { task } from './threads/task.js';
export { goThread } from './threads/go-thread.js';
export { goThreadWith } from './threads/go-thread-with.js';
export type { GoThreadOptions } from './threads/go-thread-with.js';
export { configureThreads, shutdownThreads } from './threads/threads-lifecycle.js';
// A bundled program is its own worker entry: on such a worker, this starts the worker side (see worker-boot.ts).
import './threads/worker-boot.js';
export type { ThreadsOptions } from './threads/threads-config.js';
export { ThreadDiedError, isThreadDiedError, TaskModuleError, isTaskModuleError } from './panics.js';
// shared memory
export { sharedChan, type SharedChan } from './shared/channels/shared-chan.js';
export { codec } from './shared/codecs/codec-set.js';
export type { Codec, CodecWire, Packed } from './shared/codecs/codec.js';
export { toWire, fromWire, type Wire, type Wireable } from './shared/objects/wire.js';
export {
  EncodeError,
  ValueTooLargeError,
  DecodeError,
  SharedMemoryError,
  TooManyParkedError,
  isEncodeError,
  isValueTooLargeError,
  isDecodeError,
  isSharedMemoryError,
  isTooManyParkedError,
} from './panics.js';
// shared sync
export { SharedMutex } from './shared/sync/shared-mutex.js';
export { SharedRWMutex } from './shared/sync/shared-rw-mutex.js';
export { SharedWaitGroup } from './shared/sync/shared-wait-group.js';
export { SharedSemaphore } from './shared/sync/shared-semaphore.js';
export { SharedOnce } from './shared/sync/shared-once.js';
export { SharedCond, type SharedCondOptions } from './shared/sync/shared-cond.js';
