import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { sshFingerprint, sshKeyType } from '../../../../electron/engine/ssh/fingerprint';

const dir = mkdtempSync(join(tmpdir(), 'tidemark-fp-'));
after(() => rmSync(dir, { recursive: true, force: true }));

for (const [type, expectedType] of [
  ['ed25519', 'ssh-ed25519'],
  ['ecdsa', 'ecdsa-sha2-nistp256'],
  ['rsa', 'ssh-rsa'],
] as const) {
  test(`sshFingerprint matches ssh-keygen -lf for an ${type} key`, () => {
    const key = join(dir, type);
    execFileSync('ssh-keygen', ['-q', '-t', type, '-N', '', '-f', key]);
    const [keyType, base64] = readFileSync(`${key}.pub`, 'utf8').trim().split(/\s+/);
    const blob = Buffer.from(base64, 'base64');
    const printed = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${key}.pub`], { encoding: 'utf8' }).split(/\s+/)[1];
    assert.match(printed, /^SHA256:[A-Za-z0-9+/]+$/);
    assert.equal(sshFingerprint(blob), printed);
    assert.equal(sshKeyType(blob), keyType);
    assert.equal(keyType, expectedType);
  });
}

test('sshKeyType tolerates a blob that is not a key', () => {
  assert.equal(sshKeyType(Buffer.alloc(2)), 'unknown');
  assert.equal(sshKeyType(Buffer.from([0, 0, 0, 200, 1, 2])), 'unknown');
});
