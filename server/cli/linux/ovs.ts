/** `ovs-vsctl show|list-br|list-ports|add-port|del-port|…` on the network node's bridges (br-int, br-tun, br-ex). */
import type { Cloud } from '../../sim/model/cloud.js';
import { ovsBridges, ovsSystemId } from '../../sim/dataplane/ovs.js';
import { withInfra } from '../../sim/dataplane/sysctl.js';
import { brExPorts } from '../../sim/reach.js';
import { ovsShow } from '../../render/ovs.js';
import { err, ok, type HostResult } from './host.js';

/** Bridge names in `list-br` order (sorted). */
const BRIDGES = ['br-ex', 'br-int', 'br-tun'];

export function ovsVsctl(cloud: Cloud, argv: string[]): HostResult {
  const wired = brExPorts(cloud);
  const bridges = ovsBridges(cloud);
  // A bridge's ports as list-ports names them: without the bridge's own internal port.
  const ports = (b: string) => bridges.find((x) => x.name === b)?.ports.map((p) => p.name).filter((n) => n !== b) ?? [];
  // Command options come before the command: --may-exist, --if-exists (and the harmless --no-wait).
  const opts = new Set<string>();
  let i = 0;
  for (; i < argv.length && (argv[i] ?? '').startsWith('--'); i++) {
    const o = argv[i] ?? '';
    if (!['--may-exist', '--if-exists', '--no-wait'].includes(o)) return err(`ovs-vsctl: unrecognized option '${o}'\n`);
    opts.add(o);
  }
  const a = argv.slice(i);
  const sub = a[0];
  const need = (n: number) => err(`ovs-vsctl: '${sub ?? ''}' command requires at least ${n} arguments\n`);
  if (sub === undefined) return err('ovs-vsctl: missing command name (use --help for help)\n');
  if (sub === 'show') return ok(ovsShow(ovsSystemId(cloud), bridges));
  if (sub === 'list-br') return ok(BRIDGES.map((b) => `${b}\n`).join(''));
  if (sub === 'br-exists') return a[1] === undefined ? need(1) : BRIDGES.includes(a[1]) ? ok('') : err('', 2);
  if (sub === 'port-to-br' || sub === 'iface-to-br') {
    if (a[1] === undefined) return need(1);
    const owner = BRIDGES.find((b) => ports(b).includes(a[1] ?? '') || b === a[1]);
    return owner ? ok(`${owner}\n`) : err(`ovs-vsctl: no port named ${a[1]}\n`);
  }
  if (sub === 'list-ports' || sub === 'list-ifaces' || sub === 'add-port' || sub === 'del-port') {
    const br = a[1];
    const iface = a[2];
    if (!br) return need(sub.startsWith('list') ? 1 : 2);
    if (sub === 'del-port' && iface === undefined) {
      // `del-port PORT` finds the bridge itself.
      const owner = BRIDGES.find((b) => ports(b).includes(br));
      if (!owner) return opts.has('--if-exists') ? ok('') : err(`ovs-vsctl: no port named ${br}\n`);
      return ovsVsctl(cloud, [...opts, 'del-port', owner, br]);
    }
    if (!BRIDGES.includes(br)) return err(`ovs-vsctl: no bridge named ${br}\n`);
    if (sub === 'list-ports' || sub === 'list-ifaces') return ok(ports(br).sort().map((p) => `${p}\n`).join(''));
    if (!iface) return need(2);
    if (sub === 'add-port') {
      const owner = BRIDGES.find((b) => ports(b).includes(iface));
      if (owner === br && opts.has('--may-exist')) return ok('');
      if (owner) return err(`ovs-vsctl: cannot create a port named ${iface} because a port named ${iface} already exists on bridge ${owner}\n`);
      if (br !== 'br-ex' || !/^(eth|ens|enp|eno)\w+$/.test(iface)) return err(`ovs-vsctl: stacklab only wires the node's physical NICs (eth1, eth3, …) to br-ex\n`);
      return { stdout: '', stderr: '', exitCode: 0, cloud: withInfra(cloud, { brExPorts: [...wired, iface] }) };
    }
    if (br !== 'br-ex' || !wired.includes(iface)) {
      if (opts.has('--if-exists') && !ports(br).includes(iface)) return ok('');
      return err(`ovs-vsctl: bridge ${br} does not have a port ${iface}\n`);
    }
    return { stdout: '', stderr: '', exitCode: 0, cloud: withInfra(cloud, { brExPorts: wired.filter((p) => p !== iface) }) };
  }
  return err(`ovs-vsctl: unknown command '${sub}'; use --help for help\n`);
}
