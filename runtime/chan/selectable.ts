/**
 * Selectable is the internal protocol between select (and the free functions) and a channel implementation. Local
 * channels, timer channels and shared-memory channels implement it; the public interfaces do not show it.
 */
import type { Waiter } from './waiter.js';

/** EMPTY is what pollRecv returns when a receive would block. */
export const EMPTY: unique symbol = Symbol('gocsp.empty');
/** CLOSED is what pollRecv returns when the channel is closed and drained. */
export const CLOSED: unique symbol = Symbol('gocsp.closed');

export interface Selectable {
  /** pollRecv receives at once if it can: a value, or EMPTY (would block), or CLOSED. */
  pollRecv(): unknown;
  /** pollSend sends at once if it can and reports whether it did; it throws ChannelClosedError if closed. */
  pollSend(value: unknown): boolean;
  /** enqueueRecv parks receive waiter `w` (after a failed poll, in the same synchronous step). */
  enqueueRecv(w: Waiter): void;
  /** enqueueSend parks send waiter `w` (after a failed poll, in the same synchronous step). */
  enqueueSend(w: Waiter): void;
  /** dequeue removes `w`, a losing select registration, from whichever queue holds it. */
  dequeue(w: Waiter): void;
}

/** selectable returns the channel's protocol object or throws if `ch` is not a gocsp channel. */
export function isSelectable(ch: unknown): ch is Selectable {
  return typeof ch === 'object' && ch !== null && typeof (ch as Selectable).pollRecv === 'function';
}
