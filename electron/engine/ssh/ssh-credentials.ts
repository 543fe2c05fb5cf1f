import { readFile, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { utils } from 'ssh2';
import { TidemarkError } from '../errors';

/** `~` and `~/…` as the shell means them. */
export function expandHome(path: string): string {
  return path === '~' || path.startsWith('~/') ? homedir() + path.slice(1) : path;
}

/**
 * The private key file's contents, once ssh2 has proven it can use it: a key that is missing,
 * unreadable, not a private key, or encrypted without the right passphrase fails here with
 * SSH_KEY instead of as a puzzling authentication failure later.
 */
export async function loadPrivateKey(keyPath: string | undefined, passphrase: string | undefined): Promise<Buffer> {
  if (!keyPath?.trim())
    throw new TidemarkError('SSH_KEY', 'No private key file is set for SSH', {
      field: 'keyPath',
      hint: 'Choose a private key file (e.g. ~/.ssh/id_ed25519), or authenticate with ssh-agent.',
    });
  const path = expandHome(keyPath.trim());
  let data: Buffer;
  try {
    data = await readFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'it is a directory' : String((e as Error).message);
    throw new TidemarkError('SSH_KEY', `Cannot read the private key ${path}: ${why}`, { field: 'keyPath', cause: e });
  }
  const parsed = utils.parseKey(data, passphrase);
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (key instanceof Error || key === undefined) {
    const message = key instanceof Error ? key.message : 'no key found';
    if (/no passphrase given/i.test(message))
      throw new TidemarkError('SSH_KEY', `The private key ${path} is encrypted and no passphrase is stored`, {
        field: 'passphrase',
        cause: key,
        hint: 'Enter its passphrase, or load the key into ssh-agent and use agent authentication.',
      });
    if (passphrase !== undefined && /decrypt|passphrase|bad/i.test(message))
      throw new TidemarkError('SSH_KEY', `Wrong passphrase for the private key ${path}`, { field: 'passphrase', cause: key });
    throw new TidemarkError('SSH_KEY', `${path} is not a private key Tidemark can use (${message})`, {
      field: 'keyPath',
      cause: key,
      hint: 'Use an OpenSSH private key (ed25519, ecdsa or rsa), e.g. one made by ssh-keygen -t ed25519.',
    });
  }
  if (!key.isPrivateKey())
    throw new TidemarkError('SSH_KEY', `${path} is a public key; Tidemark needs the private key beside it`, {
      field: 'keyPath',
      hint: path.endsWith('.pub') ? `Choose ${path.slice(0, -4)} instead.` : undefined,
    });
  return data;
}

/** The ssh-agent socket to use, checked to exist. */
export async function agentSocket(socket: string | undefined): Promise<string> {
  if (!socket)
    throw new TidemarkError('SSH_AUTH', 'SSH agent authentication is selected, but no ssh-agent is available ($SSH_AUTH_SOCK is not set)', {
      field: 'auth',
      hint: 'Start Tidemark from a session where ssh-agent runs (ssh-add -l lists its keys), or choose a private key file.',
    });
  try {
    const st = await stat(socket);
    if (!st.isSocket()) throw new Error('not a socket');
  } catch (e) {
    throw new TidemarkError('SSH_AUTH', `The ssh-agent socket ${socket} ($SSH_AUTH_SOCK) is not usable: ${(e as Error).message}`, {
      field: 'auth',
      cause: e,
      hint: 'The agent may have stopped: start it again and ssh-add your key.',
    });
  }
  return socket;
}
