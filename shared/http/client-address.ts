import { isIP } from 'node:net';

import type { HttpRequest } from '@azure/functions';

/** An address as a proxy writes it, without its port: `[v6]:port`, `v4:port` or bare. */
function withoutPort(entry: string): string {
  if (entry.startsWith('[')) return entry.slice(1).split(']')[0] ?? '';
  // A bare IPv6 address has several colons; only `v4:port` has exactly one.
  const parts = entry.split(':');
  return parts.length === 2 ? (parts[0] ?? '') : entry;
}

/**
 * The client address, as the first trusted proxy saw it. Each proxy appends the address it saw
 * to `X-Forwarded-For`, so with `trustedHops` proxies in front of the app (1: App Service's front
 * end; 2: Front Door, then the front end) the entry that many from the right is the client's.
 * Entries further left came from the client itself and are never believed. With fewer entries
 * than hops the request skipped a proxy, so the nearest one's entry (the rightmost) is used.
 *
 * > [!WARNING]
 * > Behind Front Door the app must accept traffic from Front Door only (an access restriction on
 * > its service tag and `X-Azure-FDID`): a caller reaching the app directly could otherwise put
 * > any address one entry from the right.
 */
export function clientAddressOf(request: HttpRequest, trustedHops = 1): string {
  const entries = (request.headers.get('x-forwarded-for') ?? '').split(',');
  const index = entries.length >= trustedHops ? entries.length - trustedHops : entries.length - 1;
  const address = withoutPort(entries[index]?.trim() ?? '');
  return address === '' ? 'unknown' : address;
}

/**
 * The client address as the audit trail and the log record it: an IP address, or `unknown`. An
 * IPv6 zone (`fe80::1%eth0`) names an interface of the sender's own machine, and is free text:
 * it is dropped.
 */
export function recordedAddressOf(address: string): string {
  const bare = address.split('%', 1)[0] ?? '';
  return isIP(bare) === 0 ? 'unknown' : bare;
}
