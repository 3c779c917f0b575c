import { isIPv6 } from 'node:net';

/** The eight 16-bit groups of an IPv6 address (zone dropped, an IPv4 tail read as two groups). */
function groupsOf(address: string): number[] {
  let text = address.toLowerCase().split('%')[0] ?? '';
  const tail = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (tail !== null) {
    const [a = 0, b = 0, c = 0, d = 0] = tail.slice(1).map(Number);
    const high = ((a << 8) | b).toString(16);
    const low = ((c << 8) | d).toString(16);
    text = `${text.slice(0, tail.index)}${high}:${low}`;
  }
  const [head = '', rest] = text.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = rest === undefined || rest === '' ? [] : rest.split(':');
  const zeros = rest === undefined ? [] : Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...zeros, ...right].map((group) => Number.parseInt(group, 16));
}

/**
 * The key a client address is rate-limited under: an IPv4 address as it is; an IPv6 address by
 * its /64 network, the block one subscriber or host usually holds, written in one form however it
 * was spelled (`2001:DB8::1` and `2001:db8:0:0::2` share `2001:db8:0:0::/64`); an IPv4-mapped
 * IPv6 address as its IPv4 address. Anything else (`unknown`) as it is.
 */
export function addressBucketOf(address: string): string {
  if (!isIPv6(address.split('%')[0] ?? '')) return address;
  const groups = groupsOf(address);
  if (groups.slice(0, 5).every((group) => group === 0) && groups[5] === 0xffff) {
    const [high = 0, low = 0] = groups.slice(6);
    return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
  }
  return `${groups
    .slice(0, 4)
    .map((group) => group.toString(16))
    .join(':')}::/64`;
}
