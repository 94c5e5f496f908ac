/**
 * SelectTicket is a parked select's claim word for shared channels: whoever completes the select, on whatever thread,
 * first claims the ticket, so the select completes exactly once (Go's selectDone). A select allocates one only when a
 * shared channel asks for it (Selection.sharedTicket), so a select on local channels never touches shared memory.
 *
 * The ticket lives in the shared-memory layer (runtime/shared/channels/ticket.ts), above the channels and the select:
 * that layer installs how to make one (setSelectTickets) when it loads, which it has done by the time a shared channel
 * asks. The select sees only this interface.
 */

export interface SelectTicket {
  /** t is the ticket's id (what an offer names, see shared/ticket.ts); gen its waiting value for this use. */
  readonly t: number;
  readonly gen: number;
  /** claimed reports whether the ticket has been claimed (on any thread). */
  readonly claimed: boolean;
  /** claim takes the ticket for the caller; false if someone (on any thread) already did. */
  claim(): boolean;
  /** unclaim gives back a ticket this thread claimed but could not use. */
  unclaim(): void;
  /** release returns the ticket once the select is over. */
  release(): void;
}

let make: (() => SelectTicket) | null = null;

/** setSelectTickets installs how to make a SelectTicket (runtime/shared/channels/ticket.ts does, when it loads). */
export function setSelectTickets(f: () => SelectTicket): void {
  make = f;
}

/** newSelectTicket makes a ticket; only a shared channel asks for one, and the shared layer is loaded by then. */
export function newSelectTicket(): SelectTicket {
  return make!();
}
