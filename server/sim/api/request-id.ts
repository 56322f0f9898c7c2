/**
 * The one source of request ids (`req-<uuid>`), as the services print them in errors.
 *
 * The id is derived from the cloud's clock and tick and a salt, never drawn from the cloud's RNG:
 * printing an error must not change the cloud (a failed command leaves it as it was).
 */
import type { Cloud } from '../model/cloud.js';
import { hashSeed, seedRng, uuid4 } from '../rng.js';

/**
 * How a caller salts the id with the error's message. The two rules are kept as they were when
 * the CLIs made their ids themselves, so every printed id stays the same: the legacy clients
 * (neutron, nova) salt with the message's length, openstackclient's novaclient path with its hash.
 */
export type RequestIdSalt = 'length' | 'hash';

export function requestId(c: Cloud, message: string, salt: RequestIdSalt): string {
  const s = salt === 'length' ? message.length : hashSeed(message);
  return `req-${uuid4(seedRng((c.clock ^ c.tick ^ s) >>> 0))}`;
}
