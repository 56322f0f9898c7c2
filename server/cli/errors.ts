/** Errors raised by command implementations on the client side (before or instead of an API call). */
import { SimError } from '../sim/errors.js';

/** A message the real client prints as is on stderr, exiting 1 (name lookups, client-side checks). */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/**
 * Raised by an option's value converter when the real client fails inside an argparse action
 * (osc-lib's MultiKeyValueAction, NonNegativeAction, NICAction): the message is printed bare,
 * without usage, and the command exits 1.
 */
export class BareArgError extends CliError {}

/** A client's lookup by name or id that found nothing, or more than one (after the API's lists answered). */
export class LookupError extends CliError {}

/** A command's failed lookup, returned instead of thrown (see clientSide). */
export class ClientFailure {
  constructor(readonly error: LookupError) {}
}

/**
 * Runs a command's work, turning a lookup that found nothing into a value: the API calls before it
 * all succeeded and, as on a real cloud where each call commits on its own, what they did stays (a
 * lookup that listed security groups made the project's default group). Any other error still
 * throws, and its command's changes are undone (some of the simulation's services answer their
 * errors as the client's, half-way through their work).
 */
export function clientSide<T>(run: () => T): T | ClientFailure | CommittedFailure {
  try {
    return run();
  } catch (e) {
    if (e instanceof LookupError) return new ClientFailure(e);
    if (e instanceof Committed) return new CommittedFailure(e.error);
    throw e;
  }
}

/** An API call's refusal that came after other calls of the command had committed (see afterCommit). */
class Committed {
  constructor(readonly error: unknown) {}
}

/** A command's failed later call, returned instead of thrown: what the calls before it did stays. */
export class CommittedFailure {
  constructor(readonly error: unknown) {}
}

/**
 * Runs a command's later API call (the tags PUT after a create or an update, an address group's
 * add_addresses after its rename): each call of a real client commits on its own, so a refusal
 * here leaves what the earlier calls did. The call must refuse before it changes anything, as
 * Neutron's API calls do (one transaction each).
 */
export function afterCommit<T>(run: () => T): T {
  try {
    return run();
  } catch (e) {
    // An API refusal, or the client's own check of what it sends next (not a failed lookup, which
    // clientSide already keeps the earlier calls for).
    if (e instanceof SimError || (e instanceof CliError && !(e instanceof LookupError))) throw new Committed(e);
    throw e;
  }
}
