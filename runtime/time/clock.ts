/**
 * currentClock picks the clock that a new timer or a time read belongs to: the active synctest bubble's virtual
 * clock inside synctest.run, the thread's real clock everywhere else.
 */
import { activeBubble } from '../sched/bubble.js';
import { realClock, type Clock } from './real-clock.js';

export type { Clock } from './real-clock.js';

export function currentClock(): Clock {
  return activeBubble ?? realClock;
}
