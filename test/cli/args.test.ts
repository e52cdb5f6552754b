import { describe, expect, it } from 'vitest';
import { connectOptionsFromArgs } from '../../src/tools/connect-args.ts';
import { serveOptionsFromArgs } from '../../src/tools/serve-args.ts';
import { terminateOptionsFromArgs } from '../../src/tools/terminate-config.ts';
import { UsageError } from '../../src/tools/usage-error.ts';

// The flag parsers of serve, connect and terminate: every mistake is a UsageError (exit status 2)
// whose message names the flag. The exit status itself is checked on real processes in
// test/cli/errors.test.ts.

describe('usage errors name the flag', () => {
  it.each([
    [() => serveOptionsFromArgs(['--port', '70000']), /^--port: invalid port "70000"$/],
    [() => serveOptionsFromArgs(['--client-auth', 'sometimes']), /^--client-auth must be required or optional/],
    // Flags that weaken security say so in their names; the former names name the new flags.
    [() => serveOptionsFromArgs(['--client-auth', 'any']), /^--client-auth any is now --dangerously-accept-any-client-certificate \(renamed/],
    [() => serveOptionsFromArgs(['--client-auth=any']), /^--client-auth any is now --dangerously-accept-any-client-certificate \(renamed/],
    [() => serveOptionsFromArgs(['--psk-ke']), /^--psk-ke is now --dangerously-allow-psk-ke \(renamed/],
    [() => connectOptionsFromArgs(['h:1', '--insecure']), /^--insecure is now --dangerously-accept-any-certificate \(renamed/],
    [
      () => serveOptionsFromArgs(['--dangerously-accept-any-client-certificate', '--client-ca', 'ca.pem', '--client-auth', 'optional']),
      /^--dangerously-accept-any-client-certificate and --client-auth exclude each other$/,
    ],
    [() => serveOptionsFromArgs(['--client-auth', 'optional']), /^--client-auth optional needs --client-ca or --pha-ca$/],
    [() => serveOptionsFromArgs(['--psk', 'abc']), /^--psk must be an even number of hex digits$/],
    [() => serveOptionsFromArgs(['--psk-identity', 'id']), /^--psk-identity needs --psk$/],
    [() => connectOptionsFromArgs(['h:1', '--psk', '0102', '--psk-identity', '']), /^--psk-identity must not be empty$/],
    [() => serveOptionsFromArgs(['--cert', 'c.pem']), /^--cert and --key go together$/],
    [() => serveOptionsFromArgs(['--early-data', '10']), /^--early-data needs --session-store memory/],
    [() => serveOptionsFromArgs(['--passphrase-env', 'P']), /^--passphrase-env P: the variable is not set or empty$/],
    [() => connectOptionsFromArgs([]), /^connect takes exactly one HOST:PORT$/],
    [() => connectOptionsFromArgs(['a:1', 'b:2']), /^connect takes exactly one HOST:PORT$/],
    [() => connectOptionsFromArgs(['localhost']), /^connect: expected HOST:PORT, got "localhost"$/],
    [() => connectOptionsFromArgs(['localhost:1', '--timeout', '0']), /^--timeout: expected seconds/],
    [() => connectOptionsFromArgs(['localhost:1', '--timeout', 'soon']), /^--timeout: expected seconds/],
    [() => connectOptionsFromArgs(['localhost:1', '--trace=everything']), /^--trace takes no value or =secrets/],
    [() => connectOptionsFromArgs(['localhost:1', '--early-data', 'f']), /^--early-data needs --sess-in/],
    [() => connectOptionsFromArgs(['localhost:1', '--passphrase-file', 'f', '--passphrase-env', 'P']), /^give --passphrase-file or --passphrase-env, not both$/],
    [() => connectOptionsFromArgs(['localhost:1', '--provider', 'openssl']), /^--provider must be node or pure/],
    [() => terminateOptionsFromArgs(['--listen', 'nowhere']), /^--listen: expected HOST:PORT, got "nowhere"$/],
    [() => terminateOptionsFromArgs(['--sni', 'a.test=c.pem,k.pem,127.0.0.1:1,alpn=']), /^--sni: expected NAME=CERT,KEY\[,UPSTREAM\]\[,alpn=PROTO:PROTO\.\.\.\]/],
    [() => terminateOptionsFromArgs(['--sni', 'bad name=c.pem,k.pem']), /^--sni: bad server name "bad name"$/],
    [() => connectOptionsFromArgs(['h:1', '--ciphers', 'HIGH:!aNULL']), /^--ciphers: "HIGH:!aNULL" names no TLS 1\.3 suite/],
    [() => connectOptionsFromArgs(['h:1', '--groups', '*X25519:P-999']), /^--groups: unknown group "P-999"/],
    [() => serveOptionsFromArgs(['--groups', 'X25519:X25519']), /^--groups: group "X25519" is listed twice$/],
    [() => serveOptionsFromArgs(['--ciphers', 'TLS_AES_128_GCM_SHA256:TLS_NOPE']), /^--ciphers: unknown TLS 1\.3 cipher suite "TLS_NOPE"/],
    [() => terminateOptionsFromArgs(['--groups', '']), /^--groups: empty group name/],
    [() => terminateOptionsFromArgs(['--early-data', '1024']), /^--early-data needs --session-store/],
    [() => terminateOptionsFromArgs(['--session-store', 'redis://h']), /^--session-store: expected memory or redis:\/\/HOST:PORT\[\/DB\]/],
    [() => terminateOptionsFromArgs(['--session-store', 'redis://h:99999']), /^--session-store: expected memory or redis/],
  ])('%#: %s', (parse, message) => {
    expect(parse).toThrow(UsageError);
    expect(parse).toThrow(message);
  });
});

describe('flags that parse', () => {
  it('terminate: --session-store memory or redis://HOST:PORT[/DB], --early-data with it', () => {
    expect(terminateOptionsFromArgs(['--session-store', 'memory'])).toMatchObject({ sessionStore: { kind: 'memory' }, earlyData: 0 });
    expect(terminateOptionsFromArgs(['--session-store', 'redis://10.0.0.5:6379/2', '--early-data', '16384'])).toMatchObject({
      sessionStore: { kind: 'redis', url: 'redis://10.0.0.5:6379/2' },
      earlyData: 16384,
    });
    expect(terminateOptionsFromArgs([])).toMatchObject({ sessionStore: undefined, earlyData: 0 });
  });

  it('connect: --trace alone means messages; --trace=secrets; --timeout in seconds; --showcerts', () => {
    expect(connectOptionsFromArgs(['h:1', '--trace'])).toMatchObject({ trace: 'messages' });
    expect(connectOptionsFromArgs(['h:1', '--trace=secrets', '--timeout', '2.5', '--showcerts'])).toMatchObject({ trace: 'secrets', timeoutSeconds: 2.5, showCerts: true });
    expect(connectOptionsFromArgs(['[::1]:443'])).toMatchObject({ host: '::1', port: 443 });
  });

  it('--groups / --ciphers: node:tls syntax, passed on as written (the adapter reads them as its ecdhCurve / ciphers)', () => {
    expect(connectOptionsFromArgs(['h:1', '--groups', '*X25519MLKEM768:*X25519:P-256', '--ciphers', 'TLS_AES_128_GCM_SHA256'])).toMatchObject({
      groups: '*X25519MLKEM768:*X25519:P-256',
      ciphers: 'TLS_AES_128_GCM_SHA256',
    });
    expect(connectOptionsFromArgs(['h:1'])).toMatchObject({ groups: undefined, ciphers: undefined });
    expect(serveOptionsFromArgs(['--groups', 'auto'])).toMatchObject({ groups: 'auto' });
    expect(terminateOptionsFromArgs(['--ciphers', 'TLS_CHACHA20_POLY1305_SHA256'])).toMatchObject({ ciphers: 'TLS_CHACHA20_POLY1305_SHA256' });
  });

  it('serve: --echo offers no ALPN unless --alpn says so; --client-ca alone means required', () => {
    expect(serveOptionsFromArgs(['--echo'])).toMatchObject({ echo: true, alpn: [] });
    expect(serveOptionsFromArgs([])).toMatchObject({ echo: false, alpn: ['http/1.1'] });
    expect(serveOptionsFromArgs(['--client-ca', 'ca.pem'])).toMatchObject({ clientAuth: 'required' });
    expect(serveOptionsFromArgs(['--dangerously-accept-any-client-certificate', '--client-ca', 'ca.pem'])).toMatchObject({
      dangerouslyAcceptAnyClientCertificate: true,
      clientAuth: undefined,
    });
    expect(serveOptionsFromArgs([])).toMatchObject({ dangerouslyAcceptAnyClientCertificate: false, dangerouslyAllowPskKe: false });
    expect(serveOptionsFromArgs(['--dangerously-allow-psk-ke'])).toMatchObject({ dangerouslyAllowPskKe: true });
    expect(connectOptionsFromArgs(['h:1'])).toMatchObject({ dangerouslyAcceptAnyCertificate: false });
    expect(connectOptionsFromArgs(['h:1', '--dangerously-accept-any-certificate'])).toMatchObject({ dangerouslyAcceptAnyCertificate: true });
  });

  it('--psk HEX [--psk-identity ID] on both commands (openssl -psk syntax, default identity Client_identity); serve --pha-ca', () => {
    expect(serveOptionsFromArgs(['--psk', '0a0B'])).toMatchObject({ psk: { key: new Uint8Array([10, 11]), identity: 'Client_identity' } });
    expect(connectOptionsFromArgs(['h:1', '--psk', 'ff', '--psk-identity', 'me'])).toMatchObject({ psk: { key: new Uint8Array([255]), identity: 'me' } });
    expect(serveOptionsFromArgs(['--pha-ca', 'ca.pem', '--client-auth', 'optional'])).toMatchObject({ phaCaFile: 'ca.pem', clientAuth: 'optional' });
  });

  it('terminate --sni: ALPN per route, `:`-separated after alpn=', () => {
    const o = terminateOptionsFromArgs(['--sni', 'a.test=c.pem,k.pem,127.0.0.1:81,alpn=h2:http/1.1', '--sni', 'b.test=c.pem,k.pem']);
    expect(o).not.toBe('help');
    if (o === 'help') return;
    expect(o.sni.map((r) => [r.name, r.upstream, r.alpn])).toEqual([
      ['a.test', { host: '127.0.0.1', port: 81 }, ['h2', 'http/1.1']],
      ['b.test', undefined, undefined],
    ]);
  });
});
