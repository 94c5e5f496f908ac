import { Semaphore } from '../../../runtime/sync/semaphore.js';
import { semaphoreSuite } from './suites/semaphore.js';

semaphoreSuite('Semaphore', (n) => new Semaphore(n), 'Semaphore');
