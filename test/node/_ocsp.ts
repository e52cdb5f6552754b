/**
 * @module test/node/ocsp
 * A real OCSP response ("good") for the ecdsa-p256 test server leaf, signed by its issuing
 * intermediate as responder (RFC 6960 §4.2.2.2), made with `openssl ocsp` from an index file
 * (as test/interop/mtls.test.ts does).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { certPaths } from '../helpers/pki.ts';

export function makeOcspResponse(): Uint8Array {
  const p = certPaths('ecdsa-p256');
  const dir = mkdtempSync(join(tmpdir(), 'puretls-ocsp-'));
  try {
    const x509 = (args: string[]): string => execFileSync('openssl', ['x509', '-in', p.end, '-noout', ...args], { encoding: 'utf8', timeout: 10_000 }).trim();
    const serial = x509(['-serial']).split('=')[1];
    const subject = x509(['-subject', '-nameopt', 'compat']).replace(/^subject=/, '');
    const expiry = new Date(Date.now() + 365 * 86_400_000).toISOString().replace(/[-:T]/g, '').slice(2, 14) + 'Z';
    writeFileSync(join(dir, 'index.txt'), `V\t${expiry}\t\t${serial}\tunknown\t${subject}\n`);
    const run = (args: string[]): void => void execFileSync('openssl', args, { cwd: dir, stdio: 'pipe', timeout: 10_000 });
    run(['ocsp', '-issuer', p.inter, '-cert', p.end, '-no_nonce', '-reqout', 'req.der']);
    run(['ocsp', '-index', 'index.txt', '-rsigner', p.inter, '-rkey', join(p.dir, 'inter.key'), '-CA', p.inter, '-reqin', 'req.der', '-respout', 'resp.der', '-ndays', '7']);
    return new Uint8Array(readFileSync(join(dir, 'resp.der')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
