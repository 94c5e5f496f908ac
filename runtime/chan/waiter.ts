/**
 * Waiter is a parked channel operation (Go's sudog); channels queue them in a WaitQueue (sched/wait-queue.ts).
 *
 * A waiter is either a plain operation (one promise to settle) or one registration of a parked select (`sel` set):
 * a select registers one waiter per case, and the first channel that completes one of them wins. The winner's
 * siblings are removed from their queues at once, synchronously, so a queue only ever holds live waiters and a
 * long-lived channel never accumulates dead registrations.
 */
import { hold, unhold, type Holder } from '../sched/held.js';
import { parkEnd, type Park } from '../sched/park.js';
import type { Queued, WaitQueue } from '../sched/wait-queue.js';
import type { SelectTicket } from './select-ticket.js';

/** Mode says how a waiter's promise settles: with the value, a RecvResult, an IteratorResult, nothing, or via a select. */
export type Mode = typeof RECV | typeof RECV_OK | typeof ITER | typeof SEND | typeof SELECT;
export const RECV = 0;
export const RECV_OK = 1;
export const ITER = 2;
export const SEND = 3;
export const SELECT = 4;

/** Selection is the part of a parked select that its waiters share. */
export interface Selection {
  /** won completes the select through waiter `w` with the received value and ok (ignored for a send case). */
  won(w: Waiter, value: unknown, ok: boolean): void;
  /** failed completes the select with a panic raised through `w` (a send case whose channel was closed). */
  failed(w: Waiter, err: Error): void;
  /**
   * claim commits the select to complete through the caller, before a channel completes one of its waiters; false
   * if it already completed (or was claimed from another thread). Absent: the select is claimed by won/failed.
   */
  claim?(): boolean;
  /** unclaim undoes a claim this thread made but could not use (a shared-channel partner vanished meanwhile). */
  unclaim?(): void;
  /** sharedTicket is the select's ticket for shared channels, allocated on first use (see select-ticket.ts). */
  sharedTicket?(): SelectTicket;
}

export class Waiter implements Holder, Queued {
  prev: Waiter | null = null;
  next: Waiter | null = null;
  queue: WaitQueue<Waiter> | null = null;
  /** value is the value to send, for a send; the received value after a select wins through a receive. */
  value: unknown;
  resolve: (v: never) => void = noop;
  reject: (e: unknown) => void = noop;
  /** gocspWait is the wait reason a goroutine dump shows for whoever awaits this waiter (see sched/heap-walk.ts). */
  readonly gocspWait: string | null;
  heldIndex = -1;

  constructor(
    readonly mode: Mode,
    value: unknown,
    readonly park: Park,
    readonly sel: Selection | null = null,
    readonly caseIndex = -1,
  ) {
    this.value = value;
    this.gocspWait = sel !== null ? null : mode === SEND ? 'chan send' : 'chan receive';
  }

  /** wake completes the operation: a receive got (`value`, `ok`), a send was taken. */
  wake(value: unknown, ok: boolean): void {
    if (this.mode !== SELECT) {
      parkEnd(this.park);
      unhold(this);
    }
    switch (this.mode) {
      case RECV:
        (this.resolve as (v: unknown) => void)(value);
        return;
      case RECV_OK:
        (this.resolve as (v: unknown) => void)({ value, ok });
        return;
      case ITER:
        (this.resolve as (v: unknown) => void)(ok ? { value, done: false } : { value: undefined, done: true });
        return;
      case SEND:
        (this.resolve as (v: unknown) => void)(undefined);
        return;
      case SELECT:
        this.sel!.won(this, value, ok);
        return;
    }
  }

  /**
   * claim commits a waiter that a channel is about to complete: always true for a plain operation; for a select
   * registration, true only for the first completion of that select (its other registrations may still sit in
   * queues of shared channels for a moment, or have been claimed by another thread).
   */
  claim(): boolean {
    return this.sel === null || this.sel.claim === undefined || this.sel.claim();
  }

  /** unclaim undoes claim() when the completion fell through (select registrations only). */
  unclaim(): void {
    this.sel?.unclaim?.();
  }

  /**
   * fail completes the operation with a panic (a parked send whose channel was closed; a parked receive whose shared
   * channel's value does not decode, or whose memory turned out corrupted).
   */
  fail(err: Error): void {
    if (this.sel !== null) {
      this.sel.failed(this, err);
    } else {
      parkEnd(this.park);
      unhold(this);
      // A receive keeps no reject (see promise()): resolving with a rejected promise rejects it all the same.
      if (this.mode === SEND) this.reject(err);
      else (this.resolve as (v: unknown) => void)(Promise.reject(err));
    }
  }

  /** promise gives a plain (non-select) waiter its pending promise. */
  promise<R>(): Promise<R> {
    hold(this);
    return new Promise<R>((resolve, reject) => {
      this.resolve = resolve as (v: never) => void;
      // Only a send can fail (close panics parked senders); not keeping reject lets a parked receive's reject
      // function be collected, a sizeable part of a parked goroutine's footprint.
      if (this.mode === SEND) this.reject = reject;
    });
  }
}

function noop(): void {}

