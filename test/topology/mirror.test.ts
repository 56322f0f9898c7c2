/**
 * The client mirrors the server's topology, packet-path and socket-message types (it does not
 * import server code): they must stay the same shapes. The type checker checks it (`tsc` runs
 * over the tests before they run): a field added on one side only fails here.
 */
import { describe, expectTypeOf, it } from 'vitest';
import type { PacketPath as ClientPath, Topology as ClientTopology, TopologyMessage } from '../../client/src/topology-types.js';
import type { PacketPath, Topology } from '../../server/workspace/index.js';
import type { ServerMessage } from '../../server/http/protocol.js';

describe("the client's mirror of the topology types", () => {
  it("is the same shape as the server's", () => {
    expectTypeOf<ClientTopology>().toEqualTypeOf<Topology>();
    expectTypeOf<ClientPath>().toEqualTypeOf<PacketPath>();
    expectTypeOf<TopologyMessage>().toEqualTypeOf<Extract<ServerMessage, { t: 'topology' | 'path' | 'details' }>>();
  });
});
