/**
 * ChanStream: the JetStream objects behind one network channel, and the operations on them that must be atomic on
 * the server.
 *
 *   stream    GOCSP_<name>: work-queue retention (a value is removed when acknowledged), max_msgs = capacity with
 *             discard 'new' (a publish to a full channel is refused, and the sender retries: backpressure), file
 *             storage, subject gocsp.chan.<name> while open.
 *   consumer  'gocsp' on it: one durable pull consumer shared by every receiver of every process, explicit ack,
 *             ack_wait as configured by the process that made it. One consumer is what makes each value go to
 *             exactly one receiver, in stream order.
 *   closed    close rebinds the stream to gocsp.closed.<name> in one stream update. A publish to the value subject
 *             then finds no stream (no responders): the sender learns the channel is closed. The update is one
 *             operation of the stream's leader, so every publish is ordered before it (stored, and drained by the
 *             receivers) or after it (refused). Closing is therefore atomic and seen by every process.
 *   notice    gocsp.notice.<name>: a plain NATS subject on which the closer announces the close, so that idle
 *             receivers look at once instead of at their next poll. Only a hint: the stream is the truth.
 *
 * The stream's description records the codec and the capacity, so that a process opening the name with other ones
 * gets NatsChanMismatchError instead of misreading values.
 */
import { AckPolicy, DiscardPolicy, JetStreamApiError, RetentionPolicy, StorageType } from '@nats-io/jetstream';
import type { JetStreamManager, StreamConfig, StreamInfo } from '@nats-io/jetstream';
import { NatsChanMismatchError } from './nats-errors.js';

/** DURABLE is the name of the one consumer every receiver shares. */
export const DURABLE = 'gocsp';

const STREAM_NOT_FOUND = 10059;
const CONSUMER_NOT_FOUND = 10014;

/** Names are the stream and subjects of the channel called `name`. */
export interface Names {
  readonly stream: string;
  readonly subject: string;
  readonly closedSubject: string;
  readonly notice: string;
}

/** namesOf derives the JetStream names of channel `name` (checked by the caller: [A-Za-z0-9_-]{1,200}). */
export function namesOf(name: string): Names {
  return {
    stream: `GOCSP_${name}`,
    subject: `gocsp.chan.${name}`,
    closedSubject: `gocsp.closed.${name}`,
    notice: `gocsp.notice.${name}`,
  };
}

/** Spec is what a process asks of the channel. */
export interface Spec {
  readonly capacity: number;
  /** codec is the codec's identity: its kind and wire description (maxBytes aside: not part of the bytes sent). */
  readonly codec: string;
  readonly ackWaitMs: number;
}

function description(spec: Spec): string {
  return `gocsp natsChan capacity=${spec.capacity} codec=${spec.codec}`;
}

/** isStreamNotFound reports a JetStream API error saying the stream does not exist. */
export function isStreamNotFound(e: unknown): boolean {
  return e instanceof JetStreamApiError && e.code === STREAM_NOT_FOUND;
}

/** Opened is what open() learned: whether the channel is closed, and the consumer's ack wait in ms. */
export interface Opened {
  readonly closed: boolean;
  readonly ackWaitMs: number;
}

/**
 * open makes the stream and its consumer if they do not exist, or checks that the existing ones are this channel's.
 * Returns whether the channel is already closed and the consumer's ack wait (the creator's, see NatsChanOptions). Several processes may open one name at once: adding an identical
 * stream or consumer twice is not an error in JetStream.
 */
export async function open(jsm: JetStreamManager, names: Names, spec: Spec): Promise<Opened> {
  let info: StreamInfo;
  try {
    info = await jsm.streams.info(names.stream);
  } catch (e) {
    if (!isStreamNotFound(e)) throw e;
    const config: Partial<StreamConfig> & { name: string } = {
      name: names.stream,
      subjects: [names.subject],
      retention: RetentionPolicy.Workqueue,
      max_msgs: spec.capacity,
      discard: DiscardPolicy.New,
      storage: StorageType.File,
      num_replicas: 1,
      description: description(spec),
    };
    info = await jsm.streams.add(config);
  }
  const want = description(spec);
  if (info.config.description !== want) {
    throw new NatsChanMismatchError(
      `natsChan: stream ${names.stream} exists as "${info.config.description ?? '(no description)'}", not "${want}"`,
    );
  }
  let ackWaitNs: number;
  try {
    ackWaitNs = (await jsm.consumers.info(names.stream, DURABLE)).config.ack_wait ?? 30e9;
  } catch (e) {
    if (!(e instanceof JetStreamApiError && e.code === CONSUMER_NOT_FOUND)) throw e;
    const c = await jsm.consumers.add(names.stream, {
      durable_name: DURABLE,
      ack_policy: AckPolicy.Explicit,
      ack_wait: spec.ackWaitMs * 1e6,
      max_deliver: -1,
      max_ack_pending: -1,
    });
    ackWaitNs = c.config.ack_wait ?? spec.ackWaitMs * 1e6;
  }
  return { closed: isClosed(info, names), ackWaitMs: ackWaitNs / 1e6 };
}

/** isClosed reads the close from a stream's info: its subjects no longer hold the value subject. */
export function isClosed(info: StreamInfo, names: Names): boolean {
  return !(info.config.subjects ?? []).includes(names.subject);
}

/**
 * closeOnServer closes the channel: one stream update that unbinds the value subject (see the top). Returns false if
 * the stream was already closed (a close of a closed channel, by this process or another).
 *
 * A request that got no answer (a timeout, the connection being re-established, JetStream not up yet after a server
 * restart) is retried, backing off from 50 ms to 1 s, for as long as it takes, as a send is: a close lost that way
 * would leave the channel open on the server while this process's sends panic, and other processes' receivers (a
 * serveJobs) would wait for ever. The update is idempotent; one whose answer was lost is found done by the retry.
 * Any answer from the server (stream not found...) or a closed connection is final: the error is thrown; so is what
 * `refused` returns once it returns an error (the server refused this connection's request for want of permission,
 * which the client reports only as a connection status event, the request itself timing out).
 */
export async function closeOnServer(jsm: JetStreamManager, names: Names, refused: () => Error | null = () => null): Promise<boolean> {
  let updated = false;
  for (let backoff = 50; ; backoff = Math.min(backoff * 2, 1000)) {
    try {
      const info = await jsm.streams.info(names.stream);
      if (isClosed(info, names)) return updated;
      updated = true;
      await jsm.streams.update(names.stream, { ...info.config, subjects: [names.closedSubject] });
      return true;
    } catch (e) {
      if (!(e instanceof Error) || !UNANSWERED.has(e.name)) throw e;
      const denied = refused();
      if (denied !== null) throw denied;
      await new Promise((r) => setTimeout(r, backoff));
    }
  }
}

/** UNANSWERED names the client's errors for a request that got no answer, which a retry may get. */
const UNANSWERED = new Set(['TimeoutError', 'RequestError', 'NoRespondersError']);

/** remove deletes the channel's stream (and so its consumer and values); false if there was none. */
export async function remove(jsm: JetStreamManager, names: Names): Promise<boolean> {
  try {
    return await jsm.streams.delete(names.stream);
  } catch (e) {
    if (isStreamNotFound(e)) return false;
    throw e;
  }
}
