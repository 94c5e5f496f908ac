/**
 * Each blocking shared sync operation parks with Go's wait reason, as the one-thread primitives do
 * (spec/runtime/sync/suites/wait-reasons.ts). This file turns goroutine tracking on for its process.
 */
import { SharedMutex } from '../../../../runtime/shared/sync/shared-mutex.js';
import { SharedOnce } from '../../../../runtime/shared/sync/shared-once.js';
import { SharedRWMutex } from '../../../../runtime/shared/sync/shared-rw-mutex.js';
import { SharedSemaphore } from '../../../../runtime/shared/sync/shared-semaphore.js';
import { SharedWaitGroup } from '../../../../runtime/shared/sync/shared-wait-group.js';
import { waitReasonsSuite } from '../../sync/suites/wait-reasons.js';

waitReasonsSuite('wait reasons of the shared sync primitives', {
  mutex: () => new SharedMutex(),
  rwMutex: () => new SharedRWMutex(),
  waitGroup: () => new SharedWaitGroup(),
  once: () => new SharedOnce(),
  semaphore: (n) => new SharedSemaphore(n),
  neverDoneOversized: false,
});
