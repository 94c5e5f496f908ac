/**
 * TaskGoroutine is a task goroutine on the main thread's side: the message that starts it on a worker and what to do
 * with its outcome. A goroutine of go() has no one waiting for it (Go's fire-and-forget): its failure is a panic,
 * reported as any goroutine's panic. One of goThread() settles its promise instead.
 */
import { panicked } from '../sched/panic.js';
import type { TaskMsg } from './protocol.js';

/** Settle is the pair of callbacks of a goThread promise. */
export interface Settle {
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

export interface TaskGoroutine {
  readonly msg: TaskMsg;
  /** settle is set for goThread, null for go. */
  readonly settle: Settle | null;
}

/** succeed ends a goroutine with its result. */
export function succeed(g: TaskGoroutine, value: unknown): void {
  g.settle?.resolve(value);
}

/** fail ends a goroutine with an error: a rejection for goThread, a panic of the goroutine for go. */
export function fail(g: TaskGoroutine, error: unknown): void {
  if (g.settle !== null) g.settle.reject(error);
  else panicked(g.msg.id, error, null);
}
