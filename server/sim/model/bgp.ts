/**
 * neutron-dynamic-routing (Zed): BGP speakers, BGP peers and the speakers' bindings to external
 * networks, peers and BGP dynamic routing agents. Its tables have no standard attributes (no
 * timestamps, revision or tags), so neither have these.
 */

/** The agent type of the BGP dynamic routing agent (neutron-bgp-dragent). */
export const BGP_DRAGENT_TYPE = 'BGP dynamic routing agent';

export interface BgpSpeaker {
  id: string;
  name: string;
  projectId: string;
  localAs: number;
  ipVersion: 4 | 6;
  advertiseFloatingIpHostRoutes: boolean;
  advertiseTenantNetworks: boolean;
  /** Networks bound to the speaker; the routes through them are announced. */
  networkIds: string[];
  peerIds: string[];
}

export interface BgpPeer {
  id: string;
  name: string;
  projectId: string;
  peerIp: string;
  remoteAs: number;
  authType: 'none' | 'md5';
  /** Never shown by the API; kept because `bgp peer set --password` changes it. */
  password: string | null;
}

export interface BgpState {
  speakers: BgpSpeaker[];
  peers: BgpPeer[];
  /** BGP dynamic routing agent id -> the speakers it hosts. */
  agentSpeakers: Record<string, string[]>;
}
