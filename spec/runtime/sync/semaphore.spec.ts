import { Semaphore } from '../../../runtime/index.js';
import { semaphoreSuite } from './suites/semaphore.js';

semaphoreSuite('Semaphore', (n) => new Semaphore(n), 'Semaphore');
