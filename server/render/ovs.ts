/** `ovs-vsctl show` (Open vSwitch 2.17) from bridge data: the agent's controller and manager, then each bridge's ports. */

export interface OvsShowPort { name: string; type: string | null; peer?: string; tag?: number }
export interface OvsShowBridge { name: string; ports: readonly OvsShowPort[] }

function port(p: OvsShowPort): string {
  return `        Port ${p.name}\n${p.tag !== undefined ? `            tag: ${p.tag}\n` : ''}            Interface ${p.name}\n`
    + `${p.type ? `                type: ${p.type}\n` : ''}${p.peer !== undefined ? `                options: {peer=${p.peer}}\n` : ''}`;
}

export function ovsShow(systemId: string, bridges: readonly OvsShowBridge[]): string {
  let s = `${systemId}\n    Manager "ptcp:6640:127.0.0.1"\n        is_connected: true\n`;
  for (const b of bridges) {
    s += `    Bridge ${b.name}\n        Controller "tcp:127.0.0.1:6633"\n            is_connected: true\n        fail_mode: secure\n        datapath_type: system\n`;
    s += b.ports.map(port).join('');
  }
  return `${s}    ovs_version: "2.17.9"\n`;
}
