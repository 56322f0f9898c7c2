/** The Nova and Glance side a networking learner touches: servers, flavors, images, key pairs. */

export interface Flavor {
  id: string;
  name: string;
  ram: number;
  disk: number;
  ephemeral: number;
  vcpus: number;
  swap: number;
  isPublic: boolean;
  rxtxFactor: number;
}

export interface Image {
  id: string;
  name: string;
  status: 'active' | 'queued' | 'saving';
  diskFormat: string;
  containerFormat: string;
  size: number;
  checksum: string;
  visibility: 'public' | 'private' | 'shared' | 'community';
  protected: boolean;
  ownerId: string;
  createdAt: string;
  updatedAt: string;
  minDisk: number;
  minRam: number;
  /** Default login user of the image (cirros, debian, ubuntu). */
  osUser: string;
  /** Guest flavour of the image, for the data-plane views. */
  osFamily: 'cirros' | 'debian' | 'ubuntu';
}

export interface Keypair {
  name: string;
  fingerprint: string;
  publicKey: string;
  type: 'ssh' | 'x509';
  userId: string;
  createdAt: string;
}

export type ServerStatus = 'BUILD' | 'ACTIVE' | 'SHUTOFF' | 'ERROR';

export interface Server {
  id: string;
  name: string;
  projectId: string;
  userId: string;
  status: ServerStatus;
  flavorId: string;
  imageId: string;
  keyName: string | null;
  securityGroups: string[];
  /**
   * Ports in NIC order; `created` marks ports Nova created (deleted with the server), `tag` the
   * device tag an attach gave, `hotplugged` a NIC attached after boot (the guest's init did not
   * bring it up), `guestUp` one the learner brought up in the guest (a DHCP client run by hand),
   * `linkUp` its link as the learner set it (`ip link set`), `addrs` the addresses (`A/P`) they
   * added by hand: all forgotten at the next boot.
   */
  nics: Array<{ portId: string; created: boolean; tag?: string; hotplugged?: boolean; guestUp?: boolean; linkUp?: boolean; addrs?: string[] }>;
  /** A default route the learner added in the guest (`ip route add default via G`), on NIC `dev`; forgotten at the next boot. */
  guestDefault?: { via: string; dev: number };
  /** Routes the learner added in the guest (`ip route add CIDR via G`), each on NIC `dev`; forgotten at the next boot. */
  guestRoutes?: Array<{ dest: string; via: string | null; dev: number }>;
  configDrive: boolean;
  hostId: string;
  host: string;
  availabilityZone: string;
  createdAt: string;
  updatedAt: string;
  launchedAt: string | null;
  properties: Record<string, string>;
  /** The user data given at boot (`--user-data FILE`), as text; run by cloud-init when it starts with `#!`. */
  userData?: string;
  /** Number of commands after which BUILD turns ACTIVE (Nova boots asynchronously). */
  activeAfter: number;
}
