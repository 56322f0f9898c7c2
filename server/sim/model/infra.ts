/** Host-side state the learner can change on the network node (absent = the fixture default). */
export interface InfraState {
  /** Ports added to br-ex by hand (`ovs-vsctl add-port br-ex eth3`). */
  brExPorts: string[];
}
