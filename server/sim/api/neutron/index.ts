/**
 * What the Neutron API answers (Zed), as plain JSON: each resource as `GET`/`POST` return it
 * (key order included, keys policy hides from a member removed), list queries with Neutron's
 * filters, `fields` and sorting, the API's errors, and the writes the CLIs make on top of
 * sim/ops (tags, floating IP association, quotas). Both CLIs project this; a REST endpoint would
 * serialize it as is.
 */
export * from './common.js';
export * from './tags.js';
export * from './network.js';
export * from './subnet.js';
export * from './port.js';
export * from './router.js';
export * from './floatingip.js';
export * from './security-group.js';
export * from './subnetpool.js';
export * from './agent.js';
export * from './quota.js';
export * from './segment.js';
