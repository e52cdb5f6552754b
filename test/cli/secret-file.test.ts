import { closeSync, chmodSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSecretAppendFile, readTicketSecretFile } from '../../src/tools/secret-file.ts';
import { UsageError } from '../../src/tools/usage-error.ts';

// Secret files of the CLI (src/tools/secret-file.ts): the rules, mode by mode. The processes
// that apply them are tested in test/proxy/secret-files.test.ts.

function fileWithMode(mode: number, bytes: number): string {
  const file = join(mkdtempSync(join(tmpdir(), 'puretls-secret-')), 'f');
  writeFileSync(file, new Uint8Array(bytes).fill(7));
  chmodSync(file, mode);
  return file;
}

describe('readTicketSecretFile (--ticket-secret): no access for group or others, 32..4096 bytes', () => {
  it.each(['0600', '0400', '0700', '0500'])('reads a file with mode %s', (mode) => {
    expect(readTicketSecretFile(fileWithMode(parseInt(mode, 8), 48))).toEqual(new Uint8Array(48).fill(7));
  });

  it.each(['0644', '0640', '0604', '0660', '0620', '0602', '0610', '0601', '0666'])('refuses a file with mode %s, saying how to fix it', (mode) => {
    const file = fileWithMode(parseInt(mode, 8), 48);
    expect(() => readTicketSecretFile(file)).toThrow(UsageError);
    expect(() => readTicketSecretFile(file)).toThrow(
      `--ticket-secret ${file}: permissions ${mode} are too open: the file holds secrets and must not be accessible by group or others; fix with 'chmod 600 ${file}'`,
    );
  });

  it.each([[31], [4097], [0]])('refuses a 0600 file of %i bytes', (n) => {
    const file = fileWithMode(0o600, n);
    expect(() => readTicketSecretFile(file)).toThrow(`--ticket-secret ${file}: expected 32..4096 bytes, got ${n}`);
  });

  it('refuses a missing file with the system error', () => {
    expect(() => readTicketSecretFile('/nonexistent/ticket.key')).toThrow(/^--ticket-secret \/nonexistent\/ticket\.key: ENOENT/);
  });
});

describe('openSecretAppendFile (--keylog): created 0600; an existing regular file readable by group or others refused', () => {
  it('creates a missing file with mode 0600', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'puretls-secret-')), 'keys.log');
    closeSync(openSecretAppendFile(file, '--keylog'));
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it.each(['0600', '0400', '0620', '0602', '0200'])('opens an existing file with mode %s (nobody else can read it)', (mode) => {
    closeSync(openSecretAppendFile(fileWithMode(parseInt(mode, 8), 0), '--keylog'));
  });

  it.each(['0644', '0640', '0604'])('refuses an existing file with mode %s', (mode) => {
    const file = fileWithMode(parseInt(mode, 8), 0);
    expect(() => openSecretAppendFile(file, '--keylog')).toThrow(
      `--keylog ${file}: permissions ${mode} are too open: the file holds secrets and must not be readable by group or others; fix with 'chmod 600 ${file}'`,
    );
  });

  it('does not judge devices: /dev/null (mode 0666) is accepted', () => {
    closeSync(openSecretAppendFile('/dev/null', '--keylog'));
  });
});
