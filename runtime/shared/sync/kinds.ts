/**
 * Loads every shared sync kind, so that fromWire can rebuild SharedMutex, SharedRWMutex (and its rLocker),
 * SharedWaitGroup, SharedSemaphore, SharedOnce and SharedCond on a thread whose code only mentions their types (a
 * worker running a task).
 */
import './shared-mutex.js';
import './shared-rw-mutex.js';
import './shared-wait-group.js';
import './shared-semaphore.js';
import './shared-once.js';
import './shared-cond.js';
