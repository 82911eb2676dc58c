/** The freshbooks-classic reference's 20-seed sweep (tests/support/seed-sweep.ts), in a file of its own so the workers share the load. */
import { seedSweep } from './support/seed-sweep.js';

seedSweep('freshbooks-classic');
