import dns from 'node:dns';
import net from 'node:net';

/**
 * Where webhooks may go (SSRF policy). What is always refused is the API's own machine and
 * the link-local range where cloud metadata services answer (loopback, 169.254/16, fe80::/10,
 * the unspecified address). Government receivers often sit on intranet addresses, so a URL
 * may name a private address (10/8, 172.16/12, 192.168/16, fc00::/7) literally — someone
 * wrote that address down on purpose. A host NAME is another matter: whoever controls its
 * DNS can point it inward at any time (DNS rebinding), so a name that resolves to a private,
 * loopback or link-local address is refused when a delivery connects. A host named in
 * WEBHOOK_ALLOWED_HOSTS is exempt from all of this. The URL is checked when an endpoint is
 * saved and before each delivery, the resolved addresses when each request connects.
 */
export interface AddressPolicy {
  /** Host names or literal addresses (lower case) exempt from the refusal. */
  allowedHosts: readonly string[];
}

/** Resolves a host name to every address it has, as `dns.lookup` with `all: true` does. */
export type HostResolver = (hostname: string, options: dns.LookupOptions) => Promise<dns.LookupAddress[]>;

export const systemResolver: HostResolver = (hostname, options) => dns.promises.lookup(hostname, { ...options, all: true });

/**
 * `inward`: loopback, link-local or unspecified, never a receiver whoever names it;
 * `private`: an intranet address, a receiver when written down as such but not where a name may lead.
 */
type AddressKind = 'inward' | 'private' | 'public';

function kindOf(address: string): AddressKind {
  const family = net.isIP(address);
  if (family === 4) {
    const [a, b] = address.split('.').map(Number);
    if (a === 127 || a === 0 || (a === 169 && b === 254)) return 'inward';
    return a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) ? 'private' : 'public';
  }
  if (family === 6) {
    const lower = address.toLowerCase();
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
    if (mapped) return kindOf(mapped[1]);
    // The URL parser writes an IPv4-mapped address in hex: ::ffff:7f00:1 is 127.0.0.1.
    const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
    if (hex) {
      const [high, low] = [parseInt(hex[1], 16), parseInt(hex[2], 16)];
      return kindOf(`${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`);
    }
    if (lower === '::1' || lower === '::' || /^fe[89ab][0-9a-f]:/.test(lower)) return 'inward';
    return /^f[cd][0-9a-f]{2}:/.test(lower) ? 'private' : 'public';
  }
  return 'public';
}

const refusedAddress = (address: string) => kindOf(address) === 'inward';

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
 * A `lookup` for http.request that refuses a host name resolving to a private, loopback or
 * link-local address, unless the host itself is allowed: the check happens on the addresses
 * actually connected to. (A literal address is connected to without a lookup; urlProblem has
 * judged it.)
 */
export function guardedLookup(policy: AddressPolicy, resolve: HostResolver): net.LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, options).then((list) => {
      const host = bare(hostname);
      const refused = !policy.allowedHosts.includes(host) && list.some((a) => kindOf(a.address) !== 'public');
      if (refused) {
        callback(Object.assign(new Error(`${hostname} resolves to a private, loopback or link-local address; webhooks reach those only through a host listed in WEBHOOK_ALLOWED_HOSTS.`), { code: 'EREFUSEDADDRESS' }), '', 0);
      } else if (list.length === 0) {
        callback(Object.assign(new Error(`${hostname} has no address.`), { code: 'ENOTFOUND' }), '', 0);
      } else if ((options as dns.LookupOptions).all) {
        (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, list);
      } else {
        callback(null, list[0].address, list[0].family);
      }
    }, (error: NodeJS.ErrnoException) => callback(error, '', 0));
  };
}
