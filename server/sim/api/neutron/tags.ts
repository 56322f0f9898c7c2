/**
 * Neutron's tag extension (`/v2.0/<resources>/<id>/tags`): add, replace, remove. Tags are kept
 * in the order they were added, each once. Changing tags bumps neither the revision nor
 * updated_at here (the simulation never did; not checked on the oracle).
 */

/** A resource that carries tags (networks, subnets, ports, routers, floating IPs, groups, pools). */
export interface Taggable {
  tags: string[];
}

/** PUT …/tags/{tag} for each tag: adds the ones the resource lacks. */
export function addTags(r: Taggable, tags: readonly string[]): void {
  for (const t of tags) if (!r.tags.includes(t)) r.tags.push(t);
}

/** DELETE …/tags/{tag} for each tag (a tag it lacks is ignored, as OSC's unset sends only the ones it has). */
export function removeTags(r: Taggable, tags: readonly string[]): void {
  r.tags = r.tags.filter((t) => !tags.includes(t));
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
