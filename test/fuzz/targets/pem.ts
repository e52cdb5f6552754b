/**
 * @module test/fuzz/targets/pem
 * Fuzz target (operator input): PEM files (RFC 7468, src/x509/pem.ts) and certificate-chain
 * loading (`parseCertificateChain`), from the input read as a file is (`readFileSync(f, 'utf8')`)
 * and as bytes (node:tls accepts Buffers of PEM). Oracle: a plain `Error` naming the problem
 * ("pem: ...", "certificate...") or blocks that re-encode and decode to themselves, with no
 * more DER bytes than the base64 text can carry.
 */
import { parseCertificateChain } from '../../../src/x509/certificate.ts';
import { pemDecode, pemEncode, type PemBlock } from '../../../src/x509/pem.ts';
import { expectOnlyConfigErrors } from './setup.ts';

export function fuzz(data: Uint8Array): void {
  const text = Buffer.from(data).toString('utf8');
  let blocks: PemBlock[] = [];
  expectOnlyConfigErrors(/^pem: /, () => {
    blocks = pemDecode(text);
  });
  let derBytes = 0;
  for (const b of blocks) {
    derBytes += b.der.length;
    const again = pemDecode(pemEncode(b.label, b.der));
    if (again.length !== 1 || again[0]?.label !== b.label || !Buffer.from(again[0].der).equals(b.der)) {
      throw new Error(`pem: block ${b.label} does not round-trip`);
    }
  }
  if (derBytes > (text.length * 3) / 4) throw new Error('pem: more DER than the text can carry');
  expectOnlyConfigErrors(/^(pem|certificate)[ :]/, () => parseCertificateChain(text));
  expectOnlyConfigErrors(/^(pem|certificate)[ :]/, () => parseCertificateChain(data));
}
