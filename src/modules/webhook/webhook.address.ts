import dns from 'node:dns';
import net from 'node:net';

/**
 * Where webhooks may go (SSRF policy). Government receivers often sit on intranet addresses,
 * so private ranges (10/8, 172.16/12, 192.168/16, fc00::/7) are allowed; what is refused is the
 * API's own machine and the link-local range where cloud metadata services answer (loopback,
 * 169.254/16, fe80::/10, the unspecified address), unless the host is named in
 * WEBHOOK_ALLOWED_HOSTS. The check runs on the URL when an endpoint is saved and on the
 * resolved address when each request connects, so a DNS name that later points inward is
 * refused too.
 */
export interface AddressPolicy {
  /** Host names or literal addresses (lower case) exempt from the refusal. */
  allowedHosts: readonly string[];
}

function refusedAddress(address: string): boolean {
  const family = net.isIP(address);
  if (family === 4) {
    const [a, b] = address.split('.').map(Number);
    return a === 127 || a === 0 || (a === 169 && b === 254);
  }
  if (family === 6) {
    const lower = address.toLowerCase();
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
    if (mapped) return refusedAddress(mapped[1]);
    // The URL parser writes an IPv4-mapped address in hex: ::ffff:7f00:1 is 127.0.0.1.
    const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
    if (hex) {
      const [high, low] = [parseInt(hex[1], 16), parseInt(hex[2], 16)];
      return refusedAddress(`${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`);
    }
    return lower === '::1' || lower === '::' || /^fe[89ab][0-9a-f]:/.test(lower);
  }
  return false;
}

function bare(hostname: string): string {
  return hostname.replace(/^\[|\]$/g, '').toLowerCase();
}

/** Why a URL may not be a webhook endpoint, or null when it may. */
export function urlProblem(raw: string, policy: AddressPolicy): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'The URL is not a valid absolute URL.';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'The URL must start with http:// or https://.';
  if (url.username || url.password) return 'The URL must not carry credentials; verify requests by their signature instead.';
  if (url.hash) return 'The URL must not have a fragment (#…).';
  const host = bare(url.hostname);
  if (host === 'localhost' || host.endsWith('.localhost')) {
    return policy.allowedHosts.includes(host) ? null : 'The URL points at the API\'s own machine; name the host in WEBHOOK_ALLOWED_HOSTS to allow it.';
  }
  if (refusedAddress(host) && !policy.allowedHosts.includes(host)) {
    return 'The URL points at a loopback or link-local address; name the host in WEBHOOK_ALLOWED_HOSTS to allow it.';
  }
  return null;
}

/**
 * A `lookup` for http.request that refuses a resolved address the policy refuses, unless the
 * host itself is allowed: the check happens on the address actually connected to.
 */
export function guardedLookup(policy: AddressPolicy): net.LookupFunction {
  return (hostname, options, callback) => {
    dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '', 0);
      const list = addresses as dns.LookupAddress[];
      const host = bare(hostname);
      const refused = !policy.allowedHosts.includes(host) && list.some((a) => refusedAddress(a.address));
      if (refused) return callback(Object.assign(new Error(`${hostname} resolves to a loopback or link-local address, which webhooks may not reach.`), { code: 'EREFUSEDADDRESS' }), '', 0);
      if ((options as dns.LookupOptions).all) return (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, list);
      return callback(null, list[0].address, list[0].family);
    });
  };
}
