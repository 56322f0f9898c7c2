/** Host-side state the learner can change on the network node (absent = the fixture default). */
export interface InfraState {
  /** Ports added to br-ex by hand (`ovs-vsctl add-port br-ex eth3`); absent: the fixture's. */
  brExPorts?: string[];
  /** Kernel parameters changed with `sysctl -w`, per namespace name (`root` for the node itself). */
  sysctl?: Record<string, Record<string, string>>;
}
