/**
 * The turn clock: the rate limiters read the clock at most once per synchronous turn, the way nginx caches the time
 * once per event-loop iteration, because a clock read (nowMillis) costs more than everything else a tryAcquire does
 * (bench/RESULTS.md, the limiters).
 *
 * `turn` numbers the turns that sampled the clock. A limiter that reads the clock calls sampleTurn() and keeps the
 * number beside the time it read; while `turn` still has that number, the limiter's sample is "now" and it may
 * decide on its last computed state without reading the clock again. sampleTurn arms one microtask (shared by every
 * limiter) that advances `turn`, so a sample never outlives the synchronous run of code that took it and the
 * microtasks queued before the end-of-turn one.
 *
 * Why a limiter cannot simply admit on a stale count from any earlier time (tokens only grow, so the decision would
 * be safe): the bookkeeping would not be. An admission must be dated, because refill is capped: a bucket that was
 * full at its last read and is drawn from an hour later must record the draw an hour later, or the hour's refill
 * (wasted while the bucket was full) gets credited after the draw and the bucket admits more than its capacity in
 * one instant. Dating every admission at the turn's sample bounds that error by the length of one synchronous turn,
 * and makes it zero under synctest, whose virtual clock only moves between turns (it advances from a setImmediate,
 * after every pending microtask, the end-of-turn one included).
 *
 * A decision that needs time to have passed (a request refused on the sample) always reads the clock again, so a
 * caller that polls tryAcquire in a loop sees the refill.
 */

/** turn is the current turn number; it changes only after some limiter sampled the clock during the turn. */
export let turn = 0;

let armed = false;
const RESOLVED: Promise<void> = Promise.resolve();

function endTurn(): void {
  turn++;
  armed = false;
}

/**
 * sampleTurn returns the current turn's number and makes sure the turn ends with the current run of microtasks.
 * Call it right where the clock is read.
 */
export function sampleTurn(): number {
  if (!armed) {
    armed = true;
    void RESOLVED.then(endTurn);
  }
  return turn;
}
