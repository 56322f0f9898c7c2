/**
 * `openstack extension list|show`, as OSC 6.0 prints them: Neutron's extensions (checked on the
 * oracle, test/transcripts/77). Without `--network` the client asks every service: Keystone v3,
 * Stacklab's Nova and Stacklab's cloud without Cinder list none, and the client warns for each.
 */
import type { JsonObject } from '../../sim/api/json.js';
import { getExtension, listExtensions } from '../../sim/api/neutron/extension.js';
import { SimError } from '../../sim/errors.js';
import { pyObject, pyRepr, type CellValue, type PyValue } from '../../render/pyvalue.js';
import { clientLocation, findBy, flag, req, type Args, type Ctx, type OscCommand, type Output } from './common.js';
import { attr } from './format.js';

/** Whether no service option was given (the client then asks them all). */
function all(a: Args): boolean {
  return !flag(a, 'identity') && !flag(a, 'compute') && !flag(a, 'volume') && !flag(a, 'network');
}

/** What the client logs for each service that lists no extensions, in the order it asks them. */
function warnings(a: Args): string | undefined {
  const every = all(a);
  const lines: string[] = [];
  if (every || flag(a, 'identity')) lines.push('Extensions list not supported by Identity API');
  if (every || flag(a, 'compute')) lines.push('Extensions list not supported by Compute API');
  if (every || flag(a, 'volume')) lines.push('Extensions list not supported by Block Storage API');
  return lines.length > 0 ? lines.join('\n') : undefined;
}

function list(a: Args): Output {
  const long = flag(a, 'long');
  const headers = long ? ['Name', 'Alias', 'Description', 'Namespace', 'Updated', 'Links'] : ['Name', 'Alias', 'Description'];
  const data = all(a) || flag(a, 'network') ? listExtensions() : [];
  // osc-lib reads each column as the SDK resource's attribute: it has no `namespace`, and holds
  // `updated` as `updated_at`, so both are empty; `links` is the list.
  const rows = data.map((e) => {
    const row: CellValue[] = [attr(e, 'name'), attr(e, 'alias'), attr(e, 'description')];
    if (long) row.push('', '', (e['links'] ?? []) as PyValue);
    return row;
  });
  return { kind: 'list', data: { headers, rows } };
}

/** openstacksdk's `location`: a Munch wherever it is str() (a table, value, shell), a dict in JSON and YAML. */
function locationCell(location: JsonObject): CellValue {
  const munch = (d: JsonObject): string =>
    `Munch({${Object.entries(d)
      .map(([k, v]) => `${pyRepr(k)}: ${v !== null && typeof v === 'object' && !Array.isArray(v) ? munch(v) : pyRepr(v as PyValue)}`)
      .join(', ')}})`;
  return pyObject(munch(location), location);
}

/** The SDK's find: the extension by alias, else the one of that name. */
function find(nameOrAlias: string): JsonObject {
  try {
    return getExtension(nameOrAlias);
  } catch (e) {
    if (!(e instanceof SimError && e.status === 404)) throw e;
  }
  const byName = listExtensions().map((e) => ({ ...e, id: String(e['alias']), name: String(e['name']) }));
  return findBy(byName, 'Extension', nameOrAlias);
}

function show(ctx: Ctx): Output {
  const e = find(req(ctx.args, 'extension'));
  const fields: Array<[string, CellValue]> = [
    ['alias', attr(e, 'alias')],
    ['description', attr(e, 'description')],
    ['id', attr(e, 'alias')],
    ['links', (e['links'] ?? []) as PyValue],
    ['location', locationCell(clientLocation(ctx.cloud, ctx.globals ?? [], ctx.env ?? {}))],
    ['name', attr(e, 'name')],
    ['updated_at', attr(e, 'updated')],
  ];
  return { kind: 'show', data: { fields } };
}

export const extensionCommands: OscCommand[] = [
  { name: 'extension list', run: ({ args }) => list(args), warns: warnings },
  { name: 'extension show', run: (ctx) => show(ctx) },
];
