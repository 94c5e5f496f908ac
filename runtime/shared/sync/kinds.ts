/**
 * Loads every shared sync kind, so that fromWire can rebuild SharedMutex, SharedRWMutex, SharedWaitGroup,
 * SharedSemaphore and SharedOnce on a thread whose code only mentions their types (a worker running a task).
 */
import './shared-mutex.js';
import './shared-rw-mutex.js';
import './shared-wait-group.js';
import './shared-semaphore.js';
import './shared-once.js';
