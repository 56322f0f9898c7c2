/**
 * Neutron's tag extension (`/v2.0/<resources>/<id>/tags`): add, replace, remove. Tags are kept
 * in the order they were added, each once; the API shows them sorted, as its database returns
 * them. Changing tags bumps neither the revision nor updated_at here (the simulation never did;
 * not checked on the oracle).
 */
import { neutronError } from '../../errors.js';

/** A resource that carries tags (networks, subnets, ports, routers, floating IPs, groups, pools). */
export interface Taggable {
  tags: string[];
}

/** The tag extension's longest tag (neutron/extensions/tagging.py MAX_TAG_LEN). */
export const MAX_TAG_LEN = 255;

/** validate_tag: a tag longer than MAX_TAG_LEN is Neutron's InvalidInput. */
export function checkTag(tag: string, path: string): void {
  if (tag.length > MAX_TAG_LEN) throw neutronError.invalidInput(path, `'${tag}' exceeds maximum length of ${MAX_TAG_LEN}.`);
}

/**
 * validate_tags' list check (neutron-lib's _validate_list_of_items): the duplicates first, each
 * named once in the order it recurs, then each tag.
 */
export function checkTagList(tags: readonly string[], path: string): void {
  const seen = new Set<string>();
  const dups: string[] = [];
  for (const t of tags) {
    if (seen.has(t) && !dups.includes(t)) dups.push(t);
    seen.add(t);
  }
  if (dups.length > 0) throw neutronError.invalidInput(path, `Duplicate items in the list: '${dups.join(', ')}'.`);
  for (const t of tags) checkTag(t, path);
}

/** PUT …/tags/{tag} for each tag: adds the ones the resource lacks. */
export function addTags(r: Taggable, tags: readonly string[]): void {
  for (const t of tags) if (!r.tags.includes(t)) r.tags.push(t);
}

/** DELETE …/tags/{tag} for each tag (a tag it lacks is ignored, as OSC's unset sends only the ones it has). */
export function removeTags(r: Taggable, tags: readonly string[]): void {
  r.tags = r.tags.filter((t) => !tags.includes(t));
}

/** DELETE …/tags/{tag}: Neutron's 404 for a tag the resource lacks. */
export function removeTag(r: Taggable, tag: string, path: string): void {
  if (!r.tags.includes(tag)) throw neutronError.notFound(`${path}/${tag}`, `Tag ${tag} could not be found.`);
  removeTags(r, [tag]);
}

/** PUT …/tags with a body `{"tags": [...]}`: the list replaces them all, once each. */
export function replaceTags(r: Taggable, tags: readonly string[], path: string): void {
  checkTagList(tags, path);
  r.tags = [...tags];
}

/** DELETE …/tags: no tags left. */
export function clearTags(r: Taggable): void {
  r.tags = [];
}

/**
 * What OSC's `set --tag/--no-tag` and `unset --tag/--all-tag` send, in their order: `clear`
 * first, then the removals, then the additions.
 */
export function changeTags(r: Taggable, change: { clear?: boolean; remove?: readonly string[]; add?: readonly string[] }): void {
  if (change.clear) clearTags(r);
  if (change.remove && change.remove.length > 0) removeTags(r, change.remove);
  if (change.add) addTags(r, change.add);
}
