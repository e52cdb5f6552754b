/**
 * @module tools/usage-error
 * A mistake in the command line or in a file it names (a bad flag value, a config key, a secret
 * file others can read). The CLI prints its message on one line and exits with status 2; every
 * other failure exits with status 1.
 */

/** A usage or configuration error: exit status 2. */
export class UsageError extends Error {}
