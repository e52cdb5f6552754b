/**
 * @module test/helpers/revocation-pki
 * Real revocation data for the test PKI (vectors/certs/<type>), made with the openssl binary in a
 * temporary directory: OCSP responses from `openssl ocsp` over an index file (signed by the
 * issuing intermediate, by delegated responders with and without id-kp-OCSPSigning, or by a
 * responder another CA issued), and CRLs from `openssl ca -gencrl` (by the intermediate, by the
 * root, by a key that is not the issuer's). Each fixture set is made once per key type.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { certPaths, type CertPaths, type KeyType } from './pki.ts';

/** Who signs an OCSP response. */
export type OcspSigner =
  /** the issuing intermediate itself */
  | 'issuer'
  /** a responder certificate the intermediate issued, with id-kp-OCSPSigning */
  | 'delegated'
  /** the same, without the OCSPSigning EKU */
  | 'delegated-no-eku'
  /** a responder with id-kp-OCSPSigning issued by the root, not by the leaf's issuer */
  | 'foreign';

export interface OcspOptions {
  readonly status: 'good' | 'revoked' | 'unknown';
  readonly signer?: OcspSigner;
  /** The certificate the response is about (default the server leaf; 'client' gives a wrong serial for the leaf). */
  readonly about?: 'end' | 'client' | 'inter';
  /** CertID hash (openssl ocsp -<digest> on the request); default sha1, openssl's default. */
  readonly certIdHash?: 'sha1' | 'sha256';
  /** ResponderID byKey (`-resp_key_id`) instead of byName. */
  readonly byKey?: boolean;
  /** nextUpdate = now + this many days (`-ndays`); default 7. */
  readonly days?: number;
}

export interface CrlOptions {
  /** Who issues (and signs) it: the intermediate (covers the leaf), the root (covers the intermediate). */
  readonly issuer: 'inter' | 'ca';
  /** Which certificates it lists as revoked. */
  readonly revoke?: readonly ('end' | 'client' | 'inter')[];
  /** Signed by a fresh key under the issuer's name instead of the issuer's key. */
  readonly wrongKey?: boolean;
  /** lastUpdate/nextUpdate (openssl YYYYMMDDHHMMSSZ); default now .. now + 7 days. */
  readonly lastUpdate?: string;
  readonly nextUpdate?: string;
  /** An issuingDistributionPoint (RFC 5280 §5.2.5): onlyContainsUserCerts, onlyContainsCACerts or a distribution point name. */
  readonly idp?: 'only-user' | 'only-ca' | 'distribution-point';
}

/** A place to make revocation data for one key type of the test PKI. */
export class RevocationPki {
  readonly type: KeyType;
  readonly paths: CertPaths;
  readonly dir: string;

  constructor(type: KeyType = 'ecdsa-p256') {
    this.type = type;
    this.paths = certPaths(type);
    this.dir = mkdtempSync(join(tmpdir(), 'puretls-revocation-'));
    const ext = [
      '[ocsp]', 'basicConstraints = critical, CA:FALSE', 'keyUsage = critical, digitalSignature', 'extendedKeyUsage = OCSPSigning',
      '[noeku]', 'basicConstraints = critical, CA:FALSE', 'keyUsage = critical, digitalSignature', 'extendedKeyUsage = serverAuth',
    ].join('\n');
    writeFileSync(join(this.dir, 'ext.cnf'), `${ext}\n`);
    this.#responder('delegated', this.paths.inter, join(this.paths.dir, 'inter.key'), 'ocsp');
    this.#responder('delegated-no-eku', this.paths.inter, join(this.paths.dir, 'inter.key'), 'noeku');
    this.#responder('foreign', this.paths.ca, join(this.paths.dir, 'ca.key'), 'ocsp');
  }

  /** Removes the temporary directory. */
  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** A DER OCSPResponse made by `openssl ocsp` as responder. */
  ocsp(o: OcspOptions): Uint8Array {
    const about = o.about === 'client' ? this.paths.client : o.about === 'inter' ? this.paths.inter : this.paths.end;
    const issuer = o.about === 'inter' ? this.paths.ca : this.paths.inter;
    const issuerKey = join(this.paths.dir, o.about === 'inter' ? 'ca.key' : 'inter.key');
    const serial = this.#serial(about);
    const line = o.status === 'good' ? `V\t${FAR}\t\t${serial}\tunknown\t/CN=x\n` : o.status === 'revoked' ? `R\t${FAR}\t240601000000Z,keyCompromise\t${serial}\tunknown\t/CN=x\n` : '';
    writeFileSync(join(this.dir, 'index.txt'), line);
    this.#run(['ocsp', `-${o.certIdHash ?? 'sha1'}`, '-issuer', issuer, '-cert', about, '-no_nonce', '-reqout', 'req.der']);
    const signer = o.signer ?? 'issuer';
    const [rsigner, rkey] = signer === 'issuer' ? [issuer, issuerKey] : [join(this.dir, `${signer}.pem`), join(this.dir, `${signer}.key`)];
    this.#run([
      'ocsp', '-index', 'index.txt', '-rsigner', rsigner, '-rkey', rkey, '-CA', issuer, '-reqin', 'req.der', '-respout', 'resp.der',
      '-ndays', String(o.days ?? 7), ...(o.byKey ? ['-resp_key_id'] : []),
    ]);
    return new Uint8Array(readFileSync(join(this.dir, 'resp.der')));
  }

  /** A PEM CRL made by `openssl ca -gencrl`. */
  crl(o: CrlOptions): string {
    const cert = o.issuer === 'inter' ? this.paths.inter : this.paths.ca;
    let key = join(this.paths.dir, o.issuer === 'inter' ? 'inter.key' : 'ca.key');
    let signerCert = cert;
    if (o.wrongKey) {
      // A fresh key and a self-signed certificate under the issuer's exact Name: `openssl ca`
      // signs with it, so the CRL names the issuer but is not signed by the issuer's key.
      key = join(this.dir, 'other.key');
      signerCert = join(this.dir, 'other.pem');
      this.#run(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', signerCert, '-days', '2', '-subj', this.#subject(cert)]);
    }
    const lines = (o.revoke ?? []).map((w) => `R\t${FAR}\t240601000000Z\t${this.#serial(this.#pathOf(w))}\tunknown\t/CN=x\n`);
    writeFileSync(join(this.dir, 'crl-index.txt'), lines.join(''));
    writeFileSync(join(this.dir, 'crlnumber'), '1000\n');
    writeFileSync(
      join(this.dir, 'ca.cnf'),
      [
        '[ca]', 'default_ca = d', '[d]', 'database = crl-index.txt', 'crlnumber = crlnumber', 'default_md = sha256', 'default_crl_days = 7',
        '[only-user]', 'issuingDistributionPoint = critical, @u', '[u]', 'onlyuser = TRUE',
        '[only-ca]', 'issuingDistributionPoint = critical, @c', '[c]', 'onlyCA = TRUE',
        '[distribution-point]', 'issuingDistributionPoint = critical, @p', '[p]', 'fullname = URI:http://crl.example.test/inter.crl', '',
      ].join('\n'),
    );
    this.#run([
      'ca', '-gencrl', '-config', 'ca.cnf', '-keyfile', key, '-cert', signerCert, '-out', 'crl.pem',
      ...(o.idp ? ['-crlexts', o.idp] : []), ...(o.lastUpdate ? ['-crl_lastupdate', o.lastUpdate] : []), ...(o.nextUpdate ? ['-crl_nextupdate', o.nextUpdate] : []),
    ]);
    return readFileSync(join(this.dir, 'crl.pem'), 'utf8');
  }

  #responder(name: string, ca: string, caKey: string, section: string): void {
    const key = join(this.dir, `${name}.key`);
    this.#run(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', `${name}.csr`, '-subj', `/CN=puretls ${name} OCSP responder`]);
    this.#run(['x509', '-req', '-in', `${name}.csr`, '-CA', ca, '-CAkey', caKey, '-CAserial', `${name}.srl`, '-CAcreateserial', '-out', `${name}.pem`, '-days', '30', '-sha256', '-extfile', 'ext.cnf', '-extensions', section]);
  }

  #pathOf(w: 'end' | 'client' | 'inter'): string {
    return w === 'end' ? this.paths.end : w === 'client' ? this.paths.client : this.paths.inter;
  }

  #serial(certPath: string): string {
    return execFileSync('openssl', ['x509', '-in', certPath, '-noout', '-serial'], { encoding: 'utf8' }).trim().split('=')[1] as string;
  }

  #subject(certPath: string): string {
    const s = execFileSync('openssl', ['x509', '-in', certPath, '-noout', '-subject', '-nameopt', 'RFC2253'], { encoding: 'utf8' }).trim().replace(/^subject=/, '');
    // RFC 2253 order is reversed; -subj wants /first/second.
    return `/${s.split(',').reverse().join('/')}`;
  }

  #run(args: string[]): void {
    execFileSync('openssl', args, { cwd: this.dir, stdio: 'pipe', timeout: 20_000 });
  }
}

/** An expiry far ahead for index lines (openssl reads but does not use it here). */
const FAR = '491231235959Z';
