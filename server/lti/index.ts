/**
 * LTI's state for one node, as the configuration says: with STACKLAB_DATABASE_URL everything in
 * PostgreSQL, shared by every node (platforms from the class page, logins in flight, nonces,
 * launches, the score outbox, the tool key); else SQLite in the data folder (memory with a memory
 * store), as one node keeps it. The platforms file is each node's own, merged in read-only.
 */
import type { Config } from '../http/config.js';
import { loadToolKey, sharedToolKey, type ToolKey } from './keys.js';
import { openOutbox, type ScoreOutbox } from './outbox.js';
import { postgresOutbox } from './outbox-postgres.js';
import { openLtiDatabase, postgresLtiStore } from './postgres.js';
import { openLtiStore, platformsFile, withPlatformsFile } from './store.js';
import type { LtiStore } from './types.js';

export interface LtiState {
  lti: LtiStore;
  toolKey: ToolKey;
  /** Where scores wait (the score reporter closes it). */
  outbox: ScoreOutbox;
}

/**
 * Opens the node's LTI state. `givenStore`: the caller handed in its own cloud store (tests), so
 * nothing goes to the data folder. PostgreSQL that cannot be reached, or holds a damaged tool key,
 * refuses the start in words (as the cloud store on it does).
 */
export async function openLti(config: Config, givenStore: boolean, log: (message: string) => void): Promise<LtiState> {
  if (config.databaseUrl !== null) {
    const db = await openLtiDatabase(config.databaseUrl, { log });
    const lti = withPlatformsFile(postgresLtiStore(db, log), platformsFile(config.ltiPlatformsFile, log));
    const outbox = postgresOutbox(db, { log });
    try {
      return { lti, outbox, toolKey: await sharedToolKey(db) };
    } catch (e) {
      await Promise.all([lti.close(), outbox.close()]);
      throw e;
    }
  }
  const onDisk = config.store !== 'memory' && !givenStore;
  return {
    lti: openLtiStore(config, givenStore, log),
    toolKey: await loadToolKey(onDisk ? config.dataDir : null),
    outbox: openOutbox(config, givenStore, log),
  };
}
