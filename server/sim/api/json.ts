/**
 * What an API returns: plain JSON, key order included (a REST endpoint serializes it as is).
 * Render's PyValue has the same shape, so a CLI passes these values to its formatters directly.
 */
export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** A JSON object: one resource dictionary, a request or a response body. */
export type JsonObject = { [k: string]: Json };
