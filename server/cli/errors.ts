/** Errors raised by command implementations on the client side (before or instead of an API call). */

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
