/** A fast deep copy for the cloud's plain JSON data (several times faster than structuredClone). */
import type { Cloud } from './model/cloud.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function deep(v: Json): Json {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) {
    const n = v.length;
    const a: Json[] = new Array<Json>(n);
    for (let i = 0; i < n; i++) a[i] = deep(v[i] as Json);
    return a;
  }
  const o: { [k: string]: Json } = {};
  for (const k in v) o[k] = deep(v[k] as Json);
  return o;
}

/** Parts no op ever changes are shared between copies: flavors, images, config, projects. */
export function cloneCloud(c: Cloud): Cloud {
  const { flavors, images, config, projects, ...rest } = c;
  const copy = deep(rest as unknown as Json) as unknown as Omit<Cloud, 'flavors' | 'images' | 'config' | 'projects'>;
  return { ...copy, flavors, images, config, projects };
}
