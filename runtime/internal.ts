/**
 * gocsp's internal entry: the few runtime hooks that the patterns need and a user does not. It is not in the
 * package's `exports` map, so only code of this package can import it.
 *
 * patterns/ sees the runtime through two doors: `runtime/index.ts` (what a user sees) and this file. Each name here
 * says why a pattern needs it; a new one needs the same reason (a pattern that could be written with the public API
 * must be). The architecture test (spec/architecture.spec.ts) fails on a pattern that imports any other runtime file.
 */

// Argument checks with the runtime's messages, so that a pattern's bad option reads like a runtime one.
export { checkOptions } from './validate.js';

// An ordered run (a Pipeline, FanPattern.processStream) reads a Readable source as fromReadable does, on demand,
// and destroys it at once when it stops.
export { isReadable, ReadableIterator } from './streams/readable-iterator.js';

// A worker pool starts one thread task per job: goThreadSettled tells the job itself (no promise per task), and
// abandonTask or goThreadAbandonable's abandon() terminate the thread of a task that timed out or was canceled.
export { goThreadAbandonable, goThreadSettled, abandonTask } from './threads/go-thread-cancelable.js';
export type { Settle, TaskGoroutine } from './threads/task-goroutine.js';

// A pool's submit that awaits its job's own promise (no channel) is parked as a channel receive would be: parkStart
// and parkEnd tell a synctest bubble and the deadlock report, hold and unhold keep it in main()'s goroutine dump.
export { parkStart, parkEnd, type Park } from './sched/park.js';
export { hold, unhold, type Holder } from './sched/held.js';

// A circuit breaker keeps time in the clock's whole nanoseconds (nanotime), so that durations compare exactly on a
// synctest bubble's virtual clock: toNanos converts its millisecond options as timers do, and a snapshot's Unix
// milliseconds are converted to and from readings of the current clock (real or virtual) with its origin.
export { currentClock, clockNanos, unixMillis } from './time/clock.js';
export { toNanos } from './time/duration.js';

// A network channel (runtime/nats/) carries its values with the shared-channel codecs: the Codec interface and the
// check sharedChan makes of one. Through this door, so that the codecs can move inside runtime/shared/.
export type { Codec } from './shared/codecs/codec.js';
export { checkCodec } from './shared/codecs/check-codec.js';
