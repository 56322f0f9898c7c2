import { describe, expect, it } from 'vitest';
import { hostRoutesProblem, routeCidrProblem } from './ipam.js';

describe("neutron-lib's route checks", () => {
  it('names what is wrong with a destination, as validate_route_cidr does', () => {
    expect(routeCidrProblem('10.0.3.0/33')).toBe("'10.0.3.0/33' is not a valid CIDR");
    expect(routeCidrProblem('10.0.3.0 /24')).toBe("'10.0.3.0 /24' is not a valid CIDR");
    expect(routeCidrProblem('10.0.3.5/24')).toBe("'10.0.3.5/24' is not a recognized CIDR, '10.0.3.0/24' is recommended");
    expect(routeCidrProblem('10.0.3.5')).toBe("'10.0.3.5' is not a recognized CIDR, '10.0.3.5/32' is recommended");
    expect(routeCidrProblem('127.0.0.0/8')).toBe("'127.0.0.0/8' is not a routable CIDR");
    expect(routeCidrProblem('10.0.3.0/24')).toBeNull();
    expect(routeCidrProblem('constructor')).toBe("'constructor' is not a valid CIDR");
  });

  it('finds a duplicate among 20,000 routes, and a 100,000-character next hop is refused', () => {
    const many = Array.from({ length: 20_000 }, (_, i) => ({ destination: `10.${i >> 8}.${i & 255}.0/24`, nexthop: '192.168.0.1' }));
    expect(hostRoutesProblem(many)).toBeNull();
    expect(hostRoutesProblem([...many, many[7] as { destination: string; nexthop: string }])).toBe(
      "Duplicate hostroute '{'destination': '10.0.7.0/24', 'nexthop': '192.168.0.1'}'",
    );
    expect(hostRoutesProblem([{ destination: '10.0.0.0/24', nexthop: 'x'.repeat(100_000) }])).toMatch(/is not a valid IP address$/);
  });
});
