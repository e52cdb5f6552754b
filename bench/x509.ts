/**
 * @module bench/x509
 * Certificate parsing (RFC 5280 §4.1) per certificate: the strict DER reader of
 * src/x509/certificate.ts against the former @peculiar/asn1-schema path (kept as the test oracle in
 * test/unit/x509/_oracle.ts), on the test PKI leaves of each key type. Run: `npx tsx bench/x509.ts`
 * (`--quick` for a smoke run).
 */
import { readFileSync } from 'node:fs';
import { parseCertificate } from '../src/x509/certificate.ts';
import { pemDecode } from '../src/x509/pem.ts';
import { CERTS_DIR, type KeyType } from '../test/helpers/pki.ts';
import { oracleParseCertificate } from '../test/unit/x509/_oracle.ts';
import { bench, finish, header, section, warmup } from './_harness.ts';

async function main(): Promise<void> {
  header('puretls X.509: parseCertificate per certificate, strict DER reader vs @peculiar schemas');
  const keyTypes: KeyType[] = ['ecdsa-p256', 'ecdsa-p384', 'ed25519', 'rsa-2048'];
  for (const keyType of keyTypes) {
    const der = leafDer(keyType);
    // Correct before fast: both parsers must give the same facts.
    if (JSON.stringify(parseCertificate(der)) !== JSON.stringify(oracleParseCertificate(der))) {
      throw new Error(`bench: ${keyType}: parsers disagree`);
    }
    section(`${keyType} leaf (${der.length} bytes)`);
    for (const [label, fn] of [
      ['strict DER reader', (): unknown => parseCertificate(der)],
      ['@peculiar schemas (old path)', (): unknown => oracleParseCertificate(der)],
    ] as const) {
      await warmup(fn);
      const r = await bench(label, fn);
      console.log(`${''.padEnd(34)} ${(1000 / r.opsPerSec).toFixed(4).padStart(12)} ms per certificate`);
    }
  }
  finish();
}

function leafDer(keyType: KeyType): Uint8Array {
  const block = pemDecode(readFileSync(`${CERTS_DIR}/${keyType}/end.pem`, 'utf8')).find((b) => b.label === 'CERTIFICATE');
  if (block === undefined) throw new Error(`bench: no certificate for ${keyType}`);
  return block.der;
}

await main();
