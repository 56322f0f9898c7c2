/** What the Glance v2 API answers for images (`/v2/images`), as plain JSON. */
import type { Cloud } from '../../model/cloud.js';
import type { Image } from '../../model/compute.js';
import { SimError } from '../../errors.js';
import type { JsonObject } from '../json.js';

/** Glance's errors, as openstacksdk receives them. */
export const glanceError = {
  imageNotFound: (id: string) => new SimError(404, `No image found with ID ${id}`, `/v2/images/${id}`, 'image'),
};

/** GET /v2/images/{id}: the image with its extra properties (os_hidden, os_distro) among its keys. */
export function imageDict(i: Image): JsonObject {
  return {
    id: i.id,
    name: i.name,
    status: i.status,
    disk_format: i.diskFormat,
    container_format: i.containerFormat,
    size: i.size,
    checksum: i.checksum,
    visibility: i.visibility,
    protected: i.protected,
    owner: i.ownerId,
    min_disk: i.minDisk,
    min_ram: i.minRam,
    os_hidden: false,
    os_distro: i.osFamily,
    tags: [],
    created_at: i.createdAt,
    updated_at: i.updatedAt,
    file: `/v2/images/${i.id}/file`,
    self: `/v2/images/${i.id}`,
    schema: '/v2/schemas/image',
  };
}

/** The keys of an image that are no extra property (what OSC leaves out of `properties`). */
export const IMAGE_BASE_KEYS: readonly string[] = [
  'id', 'name', 'status', 'disk_format', 'container_format', 'size', 'checksum', 'visibility', 'protected', 'owner',
  'min_disk', 'min_ram', 'tags', 'created_at', 'updated_at', 'file', 'self', 'schema',
];

/** GET /v2/images: in the cloud's order (clients sort). */
export function listImages(c: Cloud): JsonObject[] {
  return c.images.map(imageDict);
}

/** GET /v2/images/{id}, or Glance's 404. */
export function showImage(c: Cloud, id: string): JsonObject {
  const i = c.images.find((x) => x.id === id);
  if (!i) throw glanceError.imageNotFound(id);
  return imageDict(i);
}
