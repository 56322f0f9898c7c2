/**
 * The Nova and Glance side of `openstack`, one module per resource (server, keypair, image,
 * flavor, quota), gathered in the registry's order.
 */
import type { OscCommand } from './common.js';
import { flavorCommands } from './flavor.js';
import { imageCommands } from './image.js';
import { keypairCommands } from './keypair.js';
import { limitsCommands } from './limits.js';
import { quotaCommands } from './quota.js';
import { serverCommands } from './server.js';
import { serverInterfaceCommands } from './server-interfaces.js';

export const computeCommands: OscCommand[] = [...serverCommands, ...serverInterfaceCommands, ...keypairCommands, ...imageCommands, ...flavorCommands, ...quotaCommands, ...limitsCommands];
