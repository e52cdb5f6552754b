/**
 * @module tools/certificate-text
 * A certificate in a few lines for the CLI (`connect`'s chain, `--showcerts`, `--trace`): subject,
 * issuer, validity and subjectAltName, as the x509 layer reads them.
 */
import { parseCertificate, type ParsedCertificate } from '../x509/certificate.ts';

/** Subject, issuer, validity and names of a DER certificate (three or four lines). */
export function certificateSummary(der: Uint8Array): string[] {
  try {
    const c = parseCertificate(der);
    return [`subject: ${c.subjectText}`, `issuer:  ${c.issuerText}`, ...certificateDetails(c)];
  } catch (e) {
    return [`(not parsable: ${e instanceof Error ? e.message : String(e)})`];
  }
}

/** Validity and subjectAltName names (one or two lines). */
export function certificateDetails(c: ParsedCertificate): string[] {
  const names = [...c.dnsNames.map((n) => `DNS:${n}`), ...c.ipAddresses.map((ip) => `IP:${ipText(ip)}`)];
  return [`valid:   ${isoSeconds(c.notBefore)} to ${isoSeconds(c.notAfter)}`, ...(names.length > 0 ? [`names:   ${names.join(', ')}`] : [])];
}

function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

function ipText(ip: Uint8Array): string {
  if (ip.length === 4) return ip.join('.');
  const words: string[] = [];
  for (let i = 0; i + 1 < ip.length; i += 2) words.push((((ip[i] as number) << 8) | (ip[i + 1] as number)).toString(16));
  return words.join(':');
}
