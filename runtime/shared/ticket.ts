/**
 * Ticket is a parked operation's claim word in the thread registry (see registry.ts): whoever completes the
 * operation, on whatever thread, first claims it, so the operation completes exactly once. A select's ticket is one
 * of these, made through chan/select-ticket.ts (installed below): the select does not import shared memory.
 */
import { setSelectTickets } from '../chan/select-ticket.js';
import { claim, releaseTicket, takeTicket, ticketSlot, ticketWord, unclaim } from './registry.js';

export class Ticket {
  /** t is the ticket's word index in the registry; gen its waiting value for this use. */
  readonly t: number;
  readonly gen: number;

  constructor() {
    this.t = takeTicket();
    this.gen = ticketWord(this.t);
  }

  /** claim takes the ticket for the caller; false if someone (on any thread) already did. */
  claim(): boolean {
    return claim(this.t, this.gen);
  }

  /** unclaim gives back a ticket this thread claimed but could not use. */
  unclaim(): void {
    unclaim(this.t, this.gen);
  }

  /** claimed reports whether the ticket has been claimed. */
  get claimed(): boolean {
    return ticketWord(this.t) !== this.gen;
  }

  /** slot is the owning thread. */
  get slot(): number {
    return ticketSlot(this.t);
  }

  /** release returns the ticket to its thread's pool once the operation is over (a new generation). */
  release(): void {
    releaseTicket(this.t);
  }
}

/** claimTicket claims ticket word `t` in generation `gen` (a partner's ticket read from an offer). */
export function claimTicket(t: number, gen: number): boolean {
  return claim(t, gen);
}

setSelectTickets(() => new Ticket());
