import { BlockList, isIP } from 'node:net';
import proxyAddr from '@fastify/proxy-addr';

/** The reverse proxies whose X-Forwarded-For the web server believes, compiled once from TRUST_PROXY. */
export interface TrustedProxies {
  readonly addresses: readonly string[];
  /** Fastify's trustProxy function: whether the peer at `address` (hop `hop`) is one of the proxies. */
  readonly trust: (address: string, hop: number) => boolean;
}

/** A range wider than this would trust clients, not proxies: a whole /8 of IPv4, a /16 of IPv6. */
const WIDEST_IPV4_PREFIX = 8;
const WIDEST_IPV6_PREFIX = 16;
const IPV4_MAPPED_PREFIX = 96;

/** Whether `address` lies in `subnet/prefix` (both of `family`). */
function inSubnet(address: string, subnet: string, prefix: number, family: 'ipv4' | 'ipv6'): boolean {
  const range = new BlockList();
  range.addSubnet(subnet, prefix, family);
  return range.check(address, family);
}

/** `localhost`, 127.0.0.0/8 or ::1 (with or without the brackets of a URL host), also as ::ffff:127.x.y.z. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.trim().replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (bare === 'localhost') return true;
  const family = isIP(bare);
  if (family === 4) return inSubnet(bare, '127.0.0.0', 8, 'ipv4');
  if (family === 6) return inSubnet(bare, '::1', 128, 'ipv6') || inSubnet(bare, '::ffff:127.0.0.0', 104, 'ipv6');
  return false;
}

/** Why one TRUST_PROXY entry is refused, or undefined when it is a proxy address or a narrow enough CIDR. */
function entryProblem(entry: string): string | undefined {
  const slash = entry.indexOf('/');
  const address = slash === -1 ? entry : entry.slice(0, slash);
  const family = isIP(address);
  if (family === 0) return `"${entry}" is not an IP address or CIDR`;
  if (slash === -1) return undefined;
  const prefixText = entry.slice(slash + 1);
  if (!/^\d{1,3}$/.test(prefixText)) return `"${entry}" needs a prefix length after the slash (e.g. /24), not a netmask`;
  const prefix = Number(prefixText);
  if (family === 4) {
    if (prefix > 32) return `"${entry}" has a prefix longer than 32`;
    return prefix < WIDEST_IPV4_PREFIX ? `"${entry}" is wider than /${WIDEST_IPV4_PREFIX}: it would trust clients, not proxies` : undefined;
  }
  if (prefix > 128) return `"${entry}" has a prefix longer than 128`;
  if (prefix < WIDEST_IPV6_PREFIX) return `"${entry}" is wider than /${WIDEST_IPV6_PREFIX}: it would trust clients, not proxies`;
  // IPv4 clients of a dual-stack server appear as ::ffff:a.b.c.d: a range over that space trusts them too.
  const inMappedSpace = inSubnet(address, '::ffff:0:0', IPV4_MAPPED_PREFIX, 'ipv6');
  if (prefix < IPV4_MAPPED_PREFIX && inSubnet('::ffff:0:0', address, prefix, 'ipv6')) {
    return `"${entry}" covers every IPv4 address (::ffff:0:0/96)`;
  }
  if (inMappedSpace && prefix - IPV4_MAPPED_PREFIX < WIDEST_IPV4_PREFIX) {
    return `"${entry}" is wider than /${WIDEST_IPV4_PREFIX} of IPv4: it would trust clients, not proxies`;
  }
  return undefined;
}

export const TRUST_PROXY_HINT =
  'must list the reverse proxies that connect to the bot, as addresses or CIDRs (e.g. TRUST_PROXY=172.17.0.1 or TRUST_PROXY=10.0.0.0/24,fd00::/64), no wider than /8 (IPv4) or /16 (IPv6); hop counts and "true" are not accepted';

/**
 * Compiles TRUST_PROXY with the same library Fastify uses, so a value that would crash the server at start-up is
 * refused here instead. Throws an Error whose message says what is wrong with which entry.
 */
export function compileTrustedProxies(value: string): TrustedProxies {
  const addresses = value.split(',').map((entry) => entry.trim());
  if (addresses.some((entry) => entry === '')) throw new Error('has an empty entry');
  const problems = addresses.map(entryProblem).filter((problem): problem is string => problem !== undefined);
  if (problems.length > 0) throw new Error(problems.join('; '));
  let trust: (address: string, hop: number) => boolean;
  try {
    trust = proxyAddr.compile(addresses);
  } catch (error) {
    throw new Error((error as Error).message);
  }
  return { addresses, trust };
}
