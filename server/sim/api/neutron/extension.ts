/** Neutron's API extensions (`/v2.0/extensions`): those our cloud loads, as its server lists them. */
import { SimError } from '../../errors.js';
import type { JsonObject } from '../json.js';
import extensions from './neutron-extensions.json' with { type: 'json' };

const EXTENSIONS = extensions as JsonObject[];

/** GET /v2.0/extensions, in the server's order. */
export function listExtensions(): JsonObject[] {
  return EXTENSIONS.map((e) => ({ ...e }));
}

/** Whether the cloud loads the extension `alias`. */
export function hasExtension(alias: string): boolean {
  return EXTENSIONS.some((x) => x['alias'] === alias);
}

/** GET /v2.0/extensions/{alias}: exact alias, or the server's 404 (its HTML-flavoured text, as it sends it). */
export function getExtension(alias: string): JsonObject {
  const e = EXTENSIONS.find((x) => x['alias'] === alias);
  if (!e) {
    throw new SimError(404, `The resource could not be found.<br /><br />\nExtension with alias ${alias} does not exist\n\n`, `/v2.0/extensions/${alias}`, 'network', 'HTTPNotFound');
  }
  return { ...e };
}
