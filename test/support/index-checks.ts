/**
 * Every index lookup of the simulation (server/sim/index.ts) is compared with a scan of its
 * collection in the test suite: an index that goes stale fails the test that made it so.
 */
import { setIndexChecks } from '../../server/sim/index.js';

setIndexChecks(true);
