/**
 * The tag extension's writes (`/v2.0/<collection>/ID/tags[/TAG]`) on a resource the caller named:
 * tags.ts's changes, and the revision Neutron's revision plugin bumps when the tags did change
 * (checked on the oracle: a tag added twice, or an empty list replacing none, bumps nothing).
 * The REST layer (rest-write.ts) and the legacy CLI's tag-add, tag-replace and tag-remove share them.
 */
import type { Cloud } from '../../../model/cloud.js';
import type { Std } from '../../../model/std.js';
import { touch } from '../../../ops/context.js';
import { writable, type ShareableKey } from '../../../clone.js';
import { addTags, changeTags, checkTag, checkTagList, clearTags, removeTag, replaceTags } from '../tags.js';

/** A resource that carries tags and standard attributes. */
export type Tagged = Pick<Std, 'tags' | 'revision' | 'updatedAt'>;

function changing(c: Cloud, r: Tagged, change: () => void): void {
  const before = [...r.tags].sort().join('\n');
  change();
  if ([...r.tags].sort().join('\n') !== before) touch(c, r as Std);
}

/** PUT …/tags with `{"tags": [...]}`: the list replaces them all. */
export function putTags(c: Cloud, r: Tagged, tags: readonly string[], path: string): void {
  changing(c, r, () => replaceTags(r, tags, path));
}

/** PUT …/tags/TAG (validate_tag first); `path` is …/tags. */
export function putTag(c: Cloud, r: Tagged, tag: string, path?: string): void {
  if (path !== undefined) checkTag(tag, `${path}/${tag}`);
  changing(c, r, () => addTags(r, [tag]));
}

/** DELETE …/tags/TAG (Neutron's 404 for a tag the resource lacks); `path` is …/tags. */
export function deleteTag(c: Cloud, r: Tagged, tag: string, path: string): void {
  changing(c, r, () => removeTag(r, tag, path));
}

/** DELETE …/tags */
export function deleteTags(c: Cloud, r: Tagged): void {
  changing(c, r, () => clearTags(r));
}

/**
 * OSC's set/unset of tags (update_tags_for_set/_for_unset): the new list in one PUT to `path`
 * (…/tags), sent only when it differs, and checked as Neutron checks it (a tag past 255 characters).
 */
export function setTagsAsClient(c: Cloud, r: Tagged, change: Parameters<typeof changeTags>[1], path: string): void {
  const next = { tags: [...r.tags] };
  changeTags(next, change);
  if ([...next.tags].sort().join('\n') === [...r.tags].sort().join('\n')) return;
  checkTagList(next.tags, path);
  const own = current(c, r, path);
  changing(c, own, () => changeTags(own, change));
}

/** The collections whose elements a draft may share (sim/clone.ts), by their name in a URL. */
const SHAREABLE: Record<string, ShareableKey> = { ports: 'ports', networks: 'networks', subnets: 'subnets', routers: 'routers', floatingips: 'floatingIps' };

/**
 * The resource of `path` (…/<collection>/ID/tags) as the draft holds it now, made the draft's own
 * (writable): after an update of the same command, the caller's `r` may be the resource as it was.
 */
function current(c: Cloud, r: Tagged, path: string): Tagged {
  const [, , collection, id] = path.split('/');
  if (collection === undefined || !Object.hasOwn(SHAREABLE, collection)) return r;
  const key = SHAREABLE[collection] as ShareableKey;
  const now = (c[key] as ReadonlyArray<Tagged & { id: string }>).find((x) => x.id === id);
  return now === undefined ? r : writable(c, key, now);
}

/** The tag extension's URL of a resource: `/v2.0/<collection>/<id>/tags`. */
export function tagsPath(collection: string, id: string): string {
  return `/v2.0/${collection}/${id}/tags`;
}
