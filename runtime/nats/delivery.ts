/**
 * Delivery is a value received from a network channel without acknowledging it: the server keeps it reserved for
 * this receiver until ack() (done: removed from the channel) or nak() (handed back: delivered again, to any
 * receiver). While it is held, the reservation is renewed every third of the ack wait (JetStream's in-progress
 * acknowledgement), so a job may run longer than the ack wait; if the process dies, the renewals stop and the value
 * is delivered again once the ack wait has passed. This is how a job is acknowledged only after it finished.
 */
import type { NetMsg } from './net-msg.js';
import { checkIntegerIn } from '../validate.js';
import { quietly } from './quietly.js';

/**
 * Delivery is a value received with recvDelivery() or deliveries(), held until ack() or nak().
 *
 * @example
 * for await (const d of jobs.deliveries()) {
 *   await handle(d.value);
 *   await d.ack(); // only now is the job removed from the channel
 * }
 */
export interface Delivery<T> {
  /** value is the received value. */
  readonly value: T;
  /** redelivered reports whether the server delivered this value before (a receiver died or handed it back). */
  readonly redelivered: boolean;
  /**
   * ack removes the value from the channel and resolves once the server confirmed it. It rejects if the server could
   * not be reached: the value is then delivered again after the ack wait (handlers should be idempotent).
   */
  ack(): Promise<void>;
  /**
   * nak hands the value back to the channel for any receiver (this one included): at once, or with `delayMs` (an
   * integer in [0, 2^31 - 1]) not before that many ms, as a retry's backoff. A bad delay throws InvalidArgumentError.
   */
  nak(delayMs?: number): void;
}

/** held makes the Delivery of message `m` decoded as `value`, renewing its reservation every `renewMs`. */
export function held<T>(m: NetMsg, value: T, renewMs: number): Delivery<T> {
  let done = false;
  const timer = setInterval(() => quietly(() => m.working()), renewMs);
  // A held job must not keep a process alive on its own: whoever holds it awaits something that does.
  timer.unref();
  const finish = (): boolean => {
    if (done) return false;
    done = true;
    clearInterval(timer);
    return true;
  };
  return {
    value,
    redelivered: m.redelivered,
    async ack(): Promise<void> {
      if (!finish()) return;
      await m.ackAck();
    },
    nak(delayMs = 0): void {
      checkIntegerIn('Delivery', "nak's delayMs", delayMs, 0, 2 ** 31 - 1, '2^31 - 1');
      if (finish()) quietly(() => m.nak(delayMs));
    },
  };
}
