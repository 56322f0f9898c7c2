/** `openstack image list|show`: projects what sim/api/glance answers onto OSC 6.0's columns. */
import type { Cloud } from '../../sim/model/cloud.js';
import type { Json, JsonObject } from '../../sim/api/json.js';
import type { Image } from '../../sim/model/compute.js';
import type { CellValue } from '../../render/pyvalue.js';
import { formatted } from '../../render/pyvalue.js';
import { IMAGE_BASE_KEYS, listImages, showImage } from '../../sim/api/glance/index.js';
import { findBy, flag, req, type OscCommand, type Output } from './common.js';
import { attr } from './format.js';

/** openstacksdk find_image: id, then a unique name. */
export function findImage(c: Cloud, nameOrId: string): Image {
  return findBy(c.images, 'Image', nameOrId);
}

/** Python's repr of a property value, as OSC's format_dict prints it. */
function pyRepr(v: Json): string {
  return typeof v === 'boolean' ? (v ? 'True' : 'False') : String(v);
}

function imageShow(d: JsonObject): Output {
  const props: JsonObject = Object.fromEntries(Object.entries(d).filter(([k]) => !IMAGE_BASE_KEYS.includes(k)));
  const fields: Array<[string, CellValue]> = [
    ['checksum', attr(d, 'checksum')],
    ['container_format', attr(d, 'container_format')],
    ['created_at', attr(d, 'created_at')],
    ['disk_format', attr(d, 'disk_format')],
    ['file', attr(d, 'file')],
    ['id', attr(d, 'id')],
    ['min_disk', attr(d, 'min_disk')],
    ['min_ram', attr(d, 'min_ram')],
    ['name', attr(d, 'name')],
    ['owner', attr(d, 'owner')],
    // OSC's format_dict: sorted keys in tables; the dict in Glance's order elsewhere.
    ['properties', formatted(Object.keys(props).sort().map((k) => `${k}='${pyRepr(props[k] ?? null)}'`).join(', '), props)],
    ['protected', attr(d, 'protected')],
    ['schema', attr(d, 'schema')],
    ['size', attr(d, 'size')],
    ['status', attr(d, 'status')],
    ['tags', formatted('', [])],
    ['updated_at', attr(d, 'updated_at')],
    ['visibility', attr(d, 'visibility')],
  ];
  return { kind: 'show', data: { fields } };
}

/** OSC sorts the images by name (its --sort default), client-side. */
function imageList(c: Cloud, long: boolean): Output {
  const images = listImages(c).sort((x, y) => (String(x['name']) < String(y['name']) ? -1 : 1));
  if (long) {
    const keys = ['id', 'name', 'disk_format', 'container_format', 'size', 'checksum', 'status', 'visibility', 'protected', 'owner'];
    return {
      kind: 'list',
      data: {
        headers: ['ID', 'Name', 'Disk Format', 'Container Format', 'Size', 'Checksum', 'Status', 'Visibility', 'Protected', 'Project', 'Tags'],
        rows: images.map((d) => [...keys.map((k) => attr(d, k)), formatted('', [])]),
      },
    };
  }
  return { kind: 'list', data: { headers: ['ID', 'Name', 'Status'], rows: images.map((d) => [attr(d, 'id'), attr(d, 'name'), attr(d, 'status')]) } };
}

export const imageCommands: OscCommand[] = [
  { name: 'image list', run: ({ cloud: c, args: a }) => imageList(c, flag(a, 'long')) },
  { name: 'image show', run: ({ cloud: c, args: a }) => imageShow(showImage(c, findImage(c, req(a, 'image')).id)) },
];
