import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { agentSocket, expandHome, loadPrivateKey } from '../../../../electron/engine/ssh/ssh-credentials';

const dir = mkdtempSync(join(tmpdir(), 'tidemark-keys-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const keygen = (name: string, passphrase: string, extra: string[] = []): string => {
  const path = join(dir, name);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', passphrase, ...extra, '-f', path]);
  return path;
};
const plain = keygen('plain', '');
const encrypted = keygen('encrypted', 'correct horse');

async function sshKeyError(p: Promise<unknown>, field: string, pattern: RegExp): Promise<void> {
  await assert.rejects(p, (e: { code: string; field?: string; message: string }) => {
    assert.equal(e.code, 'SSH_KEY');
    assert.equal(e.field, field);
    assert.match(e.message, pattern);
    return true;
  });
}

test('a plain key and an encrypted key with its passphrase load', async () => {
  assert.deepEqual(await loadPrivateKey(plain, undefined), readFileSync(plain));
  assert.deepEqual(await loadPrivateKey(encrypted, 'correct horse'), readFileSync(encrypted));
});

test('encrypted without passphrase, or with the wrong one: SSH_KEY on the passphrase', async () => {
  await sshKeyError(loadPrivateKey(encrypted, undefined), 'passphrase', /encrypted and no passphrase/);
  await sshKeyError(loadPrivateKey(encrypted, 'wrong'), 'passphrase', /Wrong passphrase/);
});

test('missing file, directory, not a key, public key, no path: SSH_KEY on the key path', async () => {
  await sshKeyError(loadPrivateKey(join(dir, 'nope'), undefined), 'keyPath', /no such file/);
  await sshKeyError(loadPrivateKey(dir, undefined), 'keyPath', /directory/);
  writeFileSync(join(dir, 'garbage'), 'hello\n');
  await sshKeyError(loadPrivateKey(join(dir, 'garbage'), undefined), 'keyPath', /not a private key/);
  await sshKeyError(loadPrivateKey(`${plain}.pub`, undefined), 'keyPath', /public key/);
  await sshKeyError(loadPrivateKey('  ', undefined), 'keyPath', /No private key/);
});

test('~ expands to the home directory', () => {
  assert.equal(expandHome('~/.ssh/id_ed25519'), join(homedir(), '.ssh/id_ed25519'));
  assert.equal(expandHome('~'), homedir());
  assert.equal(expandHome('/abs/~/x'), '/abs/~/x');
  assert.equal(expandHome('~other/x'), '~other/x');
});

test('agent: unset or dead $SSH_AUTH_SOCK is SSH_AUTH', async () => {
  await assert.rejects(agentSocket(undefined), { code: 'SSH_AUTH', message: /SSH_AUTH_SOCK is not set/ });
  await assert.rejects(agentSocket(join(dir, 'no-agent')), { code: 'SSH_AUTH' });
  await assert.rejects(agentSocket(plain), { code: 'SSH_AUTH', message: /not a socket/ });
});
