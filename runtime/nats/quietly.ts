/**
 * quietly sends an acknowledgement (ack, nak, term, in-progress) that may find the connection closed: the client
 * throws then, synchronously, and from a timer that would be an uncaught exception. A lost acknowledgement is what
 * the ack wait exists for: the server delivers the value again.
 */
export function quietly(send: () => void): void {
  try {
    send();
  } catch {
    // The connection is closed or closing: the server redelivers after the ack wait.
  }
}
