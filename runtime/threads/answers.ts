/**
 * answers routes a worker's answers to main's questions (protocol.ts AnswerMsg: idleness probes, goroutine dumps)
 * to the module that asked, apart from the goroutine traffic the scheduler handles.
 */
import type { AnswerMsg } from './protocol.js';

type Handler<M extends AnswerMsg> = (thread: number, m: M) => void;

const handlers: { [K in AnswerMsg['t']]?: Handler<Extract<AnswerMsg, { t: K }>> } = {};

/** onAnswer makes `h` receive the answers of kind `t` (one handler per kind). */
export function onAnswer<K extends AnswerMsg['t']>(t: K, h: Handler<Extract<AnswerMsg, { t: K }>>): void {
  (handlers as Record<K, Handler<Extract<AnswerMsg, { t: K }>>>)[t] = h;
}

/** isAnswer tells an answer from the goroutine traffic. */
export function isAnswer(m: { readonly t: string }): m is AnswerMsg {
  return m.t === 'probed' || m.t === 'dumped';
}

/** answered hands answer `m` of worker thread `thread` (its protocol slot) to its handler. */
export function answered(thread: number, m: AnswerMsg): void {
  (handlers[m.t] as Handler<AnswerMsg> | undefined)?.(thread, m);
}
