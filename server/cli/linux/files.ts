/** The files a learner can `cat` on each simulated host, derived from the cloud where they describe it. */
import type { Cloud } from '../../sim/model/cloud.js';

const DEBIAN_HOSTS_TAIL = '\n# The following lines are desirable for IPv6 capable hosts\n::1     localhost ip6-localhost ip6-loopback\nff02::1 ip6-allnodes\nff02::2 ip6-allrouters\n';

function osRelease(version: string, codename: string): string {
  return `PRETTY_NAME="Debian GNU/Linux ${version} (${codename})"\nNAME="Debian GNU/Linux"\nVERSION_ID="${version}"\nVERSION="${version} (${codename})"\n`
    + `VERSION_CODENAME=${codename}\nID=debian\nHOME_URL="https://www.debian.org/"\nSUPPORT_URL="https://www.debian.org/support"\nBUG_REPORT_URL="https://bugs.debian.org/"\n`;
}

const UBUNTU_2204 = 'PRETTY_NAME="Ubuntu 22.04.3 LTS"\nNAME="Ubuntu"\nVERSION_ID="22.04"\nVERSION="22.04.3 LTS (Jammy Jellyfish)"\nVERSION_CODENAME=jammy\nID=ubuntu\nID_LIKE=debian\n'
  + 'HOME_URL="https://www.ubuntu.com/"\nSUPPORT_URL="https://help.ubuntu.com/"\nBUG_REPORT_URL="https://bugs.launchpad.net/ubuntu/"\n'
  + 'PRIVACY_POLICY_URL="https://www.ubuntu.com/legal/terms-and-policies/privacy-policy"\nUBUNTU_CODENAME=jammy\n';

/** cloud-init's Debian/Ubuntu template, rendered (manage_etc_hosts is on in the cloud images). */
function cloudInitHosts(name: string): string {
  return "# Your system has configured 'manage_etc_hosts' as True.\n# As a result, if you wish for changes to this file to persist\n# then you will need to either\n"
    + '# a.) make changes to the master file in /etc/cloud/templates/hosts.debian.tmpl\n'
    + "# b.) change or remove the value of 'manage_etc_hosts' in\n#     /etc/cloud/cloud.cfg or cloud-config from user-data\n#\n"
    + `127.0.1.1 ${name} ${name}\n127.0.0.1 localhost\n${DEBIAN_HOSTS_TAIL}`;
}

/** The ML2/OVS configuration the simulated Neutron runs with (what `physnet`, VLAN and VXLAN options accept). */
function ml2Conf(cloud: Cloud): string {
  const c = cloud.config;
  const vlans = Object.entries(c.vlanRanges).map(([p, [a, b]]) => `${p}:${a}:${b}`).join(',');
  return `[ml2]\ntype_drivers = flat,vlan,vxlan\ntenant_network_types = ${c.tenantNetworkType}\nmechanism_drivers = openvswitch,l2population\nextension_drivers = port_security\n\n`
    + `[ml2_type_flat]\nflat_networks = ${c.flatNetworks.join(',')}\n\n[ml2_type_vlan]\nnetwork_vlan_ranges = ${vlans}\n\n`
    + `[ml2_type_vxlan]\nvni_ranges = ${c.vxlanRange[0]}:${c.vxlanRange[1]}\n`;
}

function ovsAgentIni(cloud: Cloud): string {
  const physnet = cloud.config.flatNetworks[0] ?? Object.keys(cloud.config.vlanRanges)[0] ?? 'physnet1';
  return `[ovs]\nbridge_mappings = ${physnet}:br-ex\nlocal_ip = 10.0.0.11\n\n[agent]\ntunnel_types = vxlan\nl2_population = True\n\n[securitygroup]\nfirewall_driver = openvswitch\n`;
}

const L3_AGENT_INI = '[DEFAULT]\ninterface_driver = openvswitch\n\n[agent]\nextensions =\n';
const DHCP_AGENT_INI = '[DEFAULT]\ninterface_driver = openvswitch\ndhcp_driver = neutron.agent.linux.dhcp.Dnsmasq\nenable_isolated_metadata = True\n';

/**
 * The web server a lab's VMs run, in the learner's home on the laptop: cloud-init user data
 * (`openstack server create … --user-data web-server.sh`) with the Octavia cookbook's netcat
 * loop, answering on port 80 with the VM's host name (sim/dataplane/http.ts reads it). `#!/bin/sh`:
 * CirrOS has no bash, and its BusyBox echo knows -e.
 */
export const WEB_SERVER_SH = '#!/bin/sh\n'
  + '# A tiny web server on port 80 that answers with the host name (for load-balancer labs).\n'
  + '# Boot a VM with it: openstack server create ... --user-data web-server.sh\n'
  + 'while true; do echo -e "HTTP/1.0 200 OK\\r\\n\\r\\nWelcome to $(hostname)" | sudo nc -l -p 80; done &\n';

/** Files in the learner's home on the laptop, by name. */
export const LAPTOP_HOME: Readonly<Record<string, string>> = { 'web-server.sh': WEB_SERVER_SH };

/** A path on the laptop relative to the home (the shell starts there): `~/`, /home/USER/ and /root/ taken off; null outside it. */
function homeRelative(path: string): string | null {
  const home = /^(?:~|\/home\/[^/]+|\/root)(?:\/+|$)/.exec(path);
  if (!home && path.startsWith('/')) return null;
  return path.slice(home?.[0].length ?? 0).replace(/^(?:\.\/+)+/, '').replace(/\/+$/, '');
}

/** A file of the laptop's home as a program there opens it (relative, `~/`, or absolute), or null. */
export function laptopFile(path: string): string | null {
  const rel = homeRelative(path);
  return rel !== null && Object.hasOwn(LAPTOP_HOME, rel) ? (LAPTOP_HOME[rel] ?? null) : null;
}

/** Whether the path is a directory on the laptop (the home, or one every host has). */
export function laptopDirectory(path: string): boolean {
  const rel = homeRelative(path);
  return rel === '' || rel === '.' || (rel === null && DIRECTORIES.includes(path.replace(/(.)\/+$/, '$1')));
}

export interface HostFacts { kind: 'laptop' | 'network' | 'vm'; name: string; os: 'cirros' | 'debian' | 'ubuntu'; imageName: string }

/** The content of `path` on the host, or null when the file does not exist there. */
export function hostFile(cloud: Cloud, h: HostFacts, path: string): string | null {
  if (path === '/etc/hostname') return `${h.name}\n`;
  if (h.kind === 'vm') {
    if (path === '/etc/hosts') return h.os === 'cirros' ? `127.0.0.1\tlocalhost\n127.0.1.1\t${h.name}\n` : cloudInitHosts(h.name);
    if (path === '/etc/os-release') {
      if (h.os === 'ubuntu') return UBUNTU_2204;
      if (h.os === 'debian') return /\b10\b|buster/.test(h.imageName) ? osRelease('10', 'buster') : /\b12\b|bookworm/.test(h.imageName) ? osRelease('12', 'bookworm') : osRelease('11', 'bullseye');
    }
    return null;
  }
  if (path === '/etc/hosts') return `127.0.0.1\tlocalhost\n127.0.1.1\t${h.name}\n${DEBIAN_HOSTS_TAIL}`;
  if (path === '/etc/os-release') return osRelease('12', 'bookworm');
  if (h.kind === 'laptop') {
    const home = laptopFile(path);
    if (home !== null) return home;
    if (path === '/etc/resolv.conf') return '# Generated by NetworkManager\nnameserver 192.168.1.1\n';
    return null;
  }
  switch (path) {
    case '/etc/resolv.conf': return 'nameserver 10.0.0.1\n';
    case '/etc/neutron/plugins/ml2/ml2_conf.ini': return ml2Conf(cloud);
    case '/etc/neutron/plugins/ml2/openvswitch_agent.ini': return ovsAgentIni(cloud);
    case '/etc/neutron/l3_agent.ini': return L3_AGENT_INI;
    case '/etc/neutron/dhcp_agent.ini': return DHCP_AGENT_INI;
    default: return null;
  }
}

/** Directories that exist, so that `cat DIR` says so. */
export const DIRECTORIES = ['/', '/etc', '/etc/neutron', '/etc/neutron/plugins', '/etc/neutron/plugins/ml2', '/proc', '/tmp', '/root', '/home'];
