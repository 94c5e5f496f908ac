import { RWMutex } from '../../../runtime/sync/rw-mutex.js';
import { rwMutexSuite } from './suites/rw-mutex.js';

rwMutexSuite('RWMutex', () => new RWMutex());
