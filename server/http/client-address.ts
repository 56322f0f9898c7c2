/**
 * Who is on the other end of a request, for the per-address limits: the TCP peer, or, when the
 * peer is a proxy the operator trusts (STACKLAB_TRUSTED_PROXIES: HAProxy in front of the nodes),
 * the client that proxy names in X-Forwarded-For. Behind a proxy every peer is the proxy, so
 * without this one limit would hold the whole class; trusting the header from anyone else would
 * let every request pick its own address.
 */
import ipaddr from 'ipaddr.js';

type Address = ipaddr.IPv4 | ipaddr.IPv6;
type Range = [Address, number];

/** Longer X-Forwarded-For headers are not read (the peer counts): a real chain is a few hops. */
export const MAX_FORWARDED_CHARS = 1024;

/**
 * A plain IPv4 (four decimal parts, not `0x7f.1`) or IPv6 address, IPv4-mapped IPv6 as IPv4; else
 * null. No zone (`fe80::1%eth0`): it names an interface of the machine that wrote it, and one
 * address with endless zone spellings must not look like many.
 */
function parseAddress(text: string): Address | null {
  if (ipaddr.IPv4.isValidFourPartDecimal(text)) return ipaddr.IPv4.parse(text);
  if (text.includes('%') || !ipaddr.IPv6.isValid(text)) return null;
  const v6 = ipaddr.IPv6.parse(text);
  return v6.isIPv4MappedAddress() ? v6.toIPv4Address() : v6;
}

/**
 * STACKLAB_TRUSTED_PROXIES: addresses and CIDR ranges separated by commas (spaces allowed), as
 * normalized `ADDRESS/BITS` strings; empty trusts nobody. Throws a message naming the setting
 * and the entry for anything else: an entry that is not an address, a prefix out of range, host
 * bits past the prefix (`10.0.0.1/8`: which was meant?), or a /0 (every client would be trusted
 * to say who it is).
 */
export function parseTrustedProxies(value: string): string[] {
  const refuse = (entry: string, why: string) =>
    new Error(`STACKLAB_TRUSTED_PROXIES: ${JSON.stringify(entry)} ${why}; give the proxies' addresses or CIDR ranges separated by commas, such as 10.0.0.2,192.168.10.0/24`);
  const out: string[] = [];
  for (const raw of value.split(',')) {
    const entry = raw.trim();
    if (entry === '') continue;
    const slash = entry.indexOf('/');
    const address = parseAddress(slash < 0 ? entry : entry.slice(0, slash));
    if (!address) throw refuse(entry, 'is not an IPv4 or IPv6 address');
    const max = address.kind() === 'ipv4' ? 32 : 128;
    // A range written on an IPv4-mapped address (::ffff:10.0.0.0/104) is that IPv4 range.
    const mapped = slash >= 0 && address.kind() === 'ipv4' && entry.includes(':') ? 96 : 0;
    const bitsText = slash < 0 ? String(max + mapped) : entry.slice(slash + 1);
    const bits = /^\d{1,3}$/.test(bitsText) ? Number(bitsText) - mapped : NaN;
    if (!(bits >= 0 && bits <= max)) throw refuse(entry, `has a prefix length outside 0 to ${max + mapped}`);
    if (bits === 0) throw refuse(entry, 'trusts every address (any client could then choose the address it is counted as)');
    const network = address.kind() === 'ipv4'
      ? ipaddr.IPv4.networkAddressFromCIDR(`${address.toString()}/${bits}`)
      : ipaddr.IPv6.networkAddressFromCIDR(`${address.toString()}/${bits}`);
    if (network.toString() !== address.toString())
      throw refuse(entry, `has bits set past its prefix (the range is ${network.toString()}/${bits})`);
    out.push(`${address.toString()}/${bits}`);
  }
  return out;
}

/** Says which address a request counts as, for one list of trusted proxies. */
export interface ClientAddresses {
  /**
   * The client's address: the peer's, unless the peer is trusted; then the right-most address of
   * X-Forwarded-For that is not itself trusted (each proxy appends the one it saw). A header that
   * is oversized, or malformed where it is read, gives the peer: nothing a client wrote counts.
   * '?' when the peer has no address (the socket is gone).
   */
  of(peer: string | undefined, forwardedFor: string | string[] | undefined): string;
  /**
   * The key a per-address limit counts `address` under: the address itself for IPv4; its /64 for
   * IPv6, as one host (or a home network) is usually given a whole /64 and could otherwise
   * count as 2^64 newcomers.
   */
  limitKey(address: string): string;
}

export function clientAddresses(trusted: readonly string[]): ClientAddresses {
  const ranges: Range[] = trusted.map((r) => ipaddr.parseCIDR(r));
  const isTrusted = (a: Address) => ranges.some(([net, bits]) => net.kind() === a.kind() && a.match(net, bits));
  return {
    of(peer, forwardedFor) {
      const from = parseAddress(peer ?? '');
      if (!from) return peer !== undefined && peer !== '' ? peer : '?';
      const peerText = from.toString();
      if (ranges.length === 0 || !isTrusted(from) || forwardedFor === undefined) return peerText;
      const header = Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor;
      if (header.length > MAX_FORWARDED_CHARS) return peerText;
      const hops = header.split(',');
      let leftmost: Address | null = null;
      for (let i = hops.length - 1; i >= 0; i -= 1) {
        const hop = parseAddress((hops[i] ?? '').trim());
        if (!hop) return peerText;
        if (!isTrusted(hop)) return hop.toString();
        leftmost = hop;
      }
      // Every hop is a trusted proxy: the client is the first of them (or the peer: empty header).
      return (leftmost ?? from).toString();
    },
    limitKey(address) {
      const a = parseAddress(address);
      if (!a || a.kind() === 'ipv4') return address;
      const net = ipaddr.IPv6.networkAddressFromCIDR(`${a.toString()}/64`);
      return `${net.toString()}/64`;
    },
  };
}
