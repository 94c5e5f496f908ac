import { RWMutex } from '../../../runtime/index.js';
import { rwMutexSuite } from './suites/rw-mutex.js';

rwMutexSuite('RWMutex', () => new RWMutex());
