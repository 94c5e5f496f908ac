/** The wait reasons of the one-thread sync primitives. This file turns goroutine tracking on for its process. */
import { Mutex } from '../../../runtime/sync/mutex.js';
import { Once } from '../../../runtime/sync/once.js';
import { RWMutex } from '../../../runtime/sync/rw-mutex.js';
import { Semaphore } from '../../../runtime/sync/semaphore.js';
import { WaitGroup } from '../../../runtime/sync/wait-group.js';
import { waitReasonsSuite } from './suites/wait-reasons.js';

waitReasonsSuite('wait reasons of the sync primitives', {
  mutex: () => new Mutex(),
  rwMutex: () => new RWMutex(),
  waitGroup: () => new WaitGroup(),
  once: () => new Once(),
  semaphore: (n) => new Semaphore(n),
  neverDoneOversized: true,
});
