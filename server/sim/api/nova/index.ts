/**
 * What the Nova API answers (Zed, microversion 2.1), as plain JSON: servers, flavors, key pairs,
 * quota sets and the security group proxy, the list filters, the API's errors, and the writes on
 * top of sim/ops. `openstack` and `nova` project this; a REST endpoint would serialize it as is.
 */
export * from './server.js';
export * from './keypair.js';
export * from './flavor.js';
export * from './quota.js';
export * from './security-group.js';
export * from './server-actions.js';
export * from './zones-limits.js';
export * from './interfaces.js';
