/**
 * @module names
 * Server identity checks against a certificate's subjectAltName: DNS names by RFC 9525 §6.3
 * (RFC 6125 §6.4 as tightened: case-insensitive over A-labels, a wildcard only as the whole
 * left-most label, never the CN) and IP literals against iPAddress entries only (RFC 9525 §6.4,
 * RFC 5280 §4.2.1.6); and the dNSName / iPAddress name-constraint matches of RFC 5280 §4.2.1.10.
 */

/**
 * Parses an IPv4 dotted-quad or an IPv6 literal (RFC 4291 §2.2, with `::` and an embedded IPv4
 * tail; brackets and zone ids are not accepted) into 4 or 16 bytes; undefined if `s` is not one.
 */
export function parseIpLiteral(s: string): Uint8Array | undefined {
  if (IPV4.test(s)) return parseIpv4(s);
  if (s.includes(':')) return parseIpv6(s);
  return undefined;
}

/**
 * True when `serverName` (a DNS name or IP literal) is one of the certificate's identities.
 * RFC 6125 §6.4.1: ASCII case-insensitive comparison; §6.4.3: `*` only as the entire left-most
 * label, matching exactly one non-empty label; a wildcard never matches an IP literal.
 */
export function matchesServerName(
  serverName: string,
  dnsNames: readonly string[],
  ipAddresses: readonly Uint8Array[],
): boolean {
  const ip = parseIpLiteral(serverName);
  if (ip !== undefined) {
    return ipAddresses.some((a) => a.length === ip.length && a.every((b, i) => b === ip[i]));
  }
  // RFC 9525 §6.3: internationalized names are compared as A-labels; a U-label reference
  // identity (non-ASCII) must be converted by the caller, it never matches here.
  if (!ASCII_HOST.test(serverName)) return false;
  const host = normalizeDnsName(serverName);
  if (host === undefined) return false;
  const hostLabels = host.split('.');
  for (const pattern of dnsNames) {
    const p = normalizeDnsName(pattern);
    if (p === undefined) continue;
    if (p === host) return true;
    const labels = p.split('.');
    // "*.example.com" only: a wildcard over a single-label suffix ("*.com") is never honoured.
    if (labels[0] === '*' && labels.length >= 3 && !p.slice(1).includes('*')) {
      if (hostLabels.length === labels.length && (hostLabels[0] as string).length > 0) {
        if (hostLabels.slice(1).join('.') === labels.slice(1).join('.')) return true;
      }
    }
  }
  return false;
}

/**
 * True when a subjectAltName dNSName is well formed: RFC 5280 §4.2.1.6 asks for the preferred
 * name syntax (RFC 1034 §3.5 as relaxed by RFC 1123 §2.1): labels of letters, digits and
 * hyphens, 1..63 octets, not starting or ending with a hyphen, at most 253 octets in all, and
 * the last label not all digits (it would read as an IP address). Allowed besides, as
 * rustls-webpki allows them: underscores, a "*" as the whole left-most label (RFC 6125 §6.4.3)
 * and one trailing dot (every comparison here drops it). ".example.com", "a..b", "f*o.x" and
 * "-a.x" are not names: under a name constraint they must not count as inside a subtree.
 */
export function isWellFormedDnsName(name: string): boolean {
  const n = name.endsWith('.') ? name.slice(0, -1) : name;
  if (n.length === 0 || n.length > 253) return false;
  const labels = n.split('.');
  if (labels[0] === '*') labels.shift();
  if (labels.length === 0 || !labels.every((l) => DNS_LABEL.test(l))) return false;
  return !/^\d+$/.test(labels[labels.length - 1] as string);
}

/**
 * RFC 5280 §4.2.1.10: a dNSName is within the constraint `base` when it equals `base` or is
 * `base` with labels added on the left (case-insensitive; "example.com" covers
 * "www.example.com", never "badexample.com"; a leading-dot base ".example.com" covers only names
 * below it, as Go and OpenSSL read it; an empty base covers every name). For a wildcard name
 * "*.x" used against an excluded subtree, callers also check `wildcardReachesConstraint`.
 */
export function dnsNameWithinConstraint(name: string, base: string): boolean {
  const n = name.toLowerCase().replace(/\.$/, '');
  const b = base.toLowerCase().replace(/\.$/, '');
  if (b === '') return true;
  if (b.startsWith('.')) return n.endsWith(b);
  return n === b || n.endsWith(`.${b}`);
}

/**
 * True when the wildcard name "*.x" can stand for a name within `base`: `base` is exactly one
 * label below x (then "*" can be that label). Used for excluded subtrees, so that "*.example.com"
 * is refused under an exclusion of "bad.example.com".
 */
export function wildcardReachesConstraint(name: string, base: string): boolean {
  const n = name.toLowerCase().replace(/\.$/, '');
  if (!n.startsWith('*.')) return false;
  const b = base.toLowerCase().replace(/\.$/, '').replace(/^\./, '');
  const suffix = n.slice(2);
  const dot = b.indexOf('.');
  return dot > 0 && b.slice(dot + 1) === suffix;
}

/** RFC 5280 §4.2.1.10: `ip` lies in the iPAddress subtree address/mask (same address family only). */
export function ipInSubtree(ip: Uint8Array, address: Uint8Array, mask: Uint8Array): boolean {
  if (ip.length !== address.length || mask.length !== address.length) return false;
  for (let i = 0; i < ip.length; i++) {
    const m = mask[i] as number;
    if (((ip[i] as number) & m) !== ((address[i] as number) & m)) return false;
  }
  return true;
}

/** Lower-cases `name` and drops one trailing dot; undefined for empty or empty-label names. */
function normalizeDnsName(name: string): string | undefined {
  const n = (name.endsWith('.') ? name.slice(0, -1) : name).toLowerCase();
  if (n.length === 0 || n.split('.').some((l) => l.length === 0)) return undefined;
  return n;
}

function parseIpv4(s: string): Uint8Array | undefined {
  const parts = s.split('.').map((p) => (p.length > 1 && p.startsWith('0') ? NaN : Number(p)));
  if (parts.some((p) => !Number.isInteger(p) || p > 255)) return undefined;
  return new Uint8Array(parts);
}

function parseIpv6(s: string): Uint8Array | undefined {
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const groups = (h: string | undefined): number[] | undefined => {
    if (h === undefined || h === '') return [];
    const out: number[] = [];
    const parts = h.split(':');
    for (const [i, p] of parts.entries()) {
      if (i === parts.length - 1 && IPV4.test(p)) {
        const v4 = parseIpv4(p);
        if (v4 === undefined) return undefined;
        out.push(((v4[0] as number) << 8) | (v4[1] as number), ((v4[2] as number) << 8) | (v4[3] as number));
      } else {
        if (!/^[0-9a-fA-F]{1,4}$/.test(p)) return undefined;
        out.push(Number.parseInt(p, 16));
      }
    }
    return out;
  };
  const left = groups(halves[0]);
  const right = groups(halves[1]);
  if (left === undefined || right === undefined) return undefined;
  const fill = 8 - left.length - right.length;
  if (halves.length === 2 ? fill < 1 : fill !== 0) return undefined;
  const all = [...left, ...new Array<number>(halves.length === 2 ? fill : 0).fill(0), ...right];
  const out = new Uint8Array(16);
  for (const [i, g] of all.entries()) {
    out[2 * i] = g >>> 8;
    out[2 * i + 1] = g & 0xff;
  }
  return out;
}

const ASCII_HOST = /^[\x21-\x7e]+$/;
/** One label of a dNSName: 1..63 letters, digits, hyphens or underscores, no hyphen at either end. */
const DNS_LABEL = /^(?!-)[A-Za-z0-9_-]{1,63}(?<!-)$/;
const IPV4 = /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;
