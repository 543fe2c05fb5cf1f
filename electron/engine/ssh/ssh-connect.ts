import { Client, type AlgorithmList, type CipherAlgorithm, type ConnectConfig, type ServerHostKeyAlgorithm } from 'ssh2';
import type { KnownHostKey } from '../../../shared/models/server';
import { TidemarkError } from '../errors';
import { sshFingerprint, sshKeyType } from './fingerprint';
import { agentSocket, loadPrivateKey } from './ssh-credentials';

export interface SshConnectConfig {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly auth: 'key' | 'agent';
  /** A private key file; `~/` means the home directory. */
  readonly keyPath?: string;
  readonly passphrase?: string;
  /** The host key the user accepted; without it the connection stops at SSH_HOSTKEY_UNKNOWN. */
  readonly knownHostKey?: KnownHostKey;
  /** Bounds TCP connect, key exchange and authentication together. Default 10 s. */
  readonly timeoutMs?: number;
  /** ssh-agent socket for `auth: 'agent'`; default $SSH_AUTH_SOCK. */
  readonly agentSocket?: string;
}

export interface SshHostKey {
  readonly fingerprint: string;
  readonly keyType: string;
}

export interface SshConnection {
  readonly client: Client;
  readonly hostKey: SshHostKey;
  /** The negotiated client-to-server cipher, for logs and benchmarks. */
  readonly cipher: string;
}

const DEFAULT_TIMEOUT_MS = 10_000;
// A backup streams gigabytes through one connection: AES-GCM runs on AES-NI and is the fastest
// cipher OpenSSH and ssh2 share; ssh2 would pick ChaCha20 first on CPUs it cannot inspect.
const FAST_CIPHERS: CipherAlgorithm[] = ['aes128-gcm@openssh.com', 'aes256-gcm@openssh.com'];
// Host key algorithms per key type, to ask for the type the user accepted (a server usually has
// an ed25519, an ecdsa and an rsa key, and trust is given to one of them).
const HOST_KEY_ALGORITHMS: Readonly<Record<string, ServerHostKeyAlgorithm[]>> = {
  'ssh-ed25519': ['ssh-ed25519'],
  'ecdsa-sha2-nistp256': ['ecdsa-sha2-nistp256'],
  'ecdsa-sha2-nistp384': ['ecdsa-sha2-nistp384'],
  'ecdsa-sha2-nistp521': ['ecdsa-sha2-nistp521'],
  'ssh-rsa': ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'],
};

/**
 * An authenticated SSH connection whose host key matched the one the user accepted. Every
 * failure is a TidemarkError: SSH_KEY, SSH_HOSTKEY_UNKNOWN, SSH_HOSTKEY_CHANGED, SSH_AUTH,
 * SSH_CONNECT or TIMEOUT.
 */
export async function connectSsh(cfg: SshConnectConfig): Promise<SshConnection> {
  const timeoutMs = cfg.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const where = `${cfg.host}:${cfg.port}`;
  // Credentials are checked before any network traffic: a bad key file is the user's to fix.
  const credentials: Partial<ConnectConfig> =
    cfg.auth === 'agent'
      ? { agent: await agentSocket(cfg.agentSocket ?? process.env.SSH_AUTH_SOCK) }
      : { privateKey: await loadPrivateKey(cfg.keyPath, cfg.passphrase), passphrase: cfg.passphrase };

  let offered: SshHostKey | undefined;
  let cipher = 'unknown';
  const client = new Client();
  return new Promise<SshConnection>((resolve, reject) => {
    let settled = false;
    const settle = (err?: TidemarkError): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (err) {
        client.end();
        client.destroy();
        reject(err);
      } else resolve({ client, hostKey: offered!, cipher });
    };
    const timer = setTimeout(
      () =>
        settle(
          new TidemarkError('TIMEOUT', `No SSH answer from ${where} within ${Math.round(timeoutMs / 1000)} s`, {
            hint: 'Check the host and port, and that sshd answers there (a firewall may drop packets silently).',
          }),
        ),
      timeoutMs,
    );

    // Errors after the connection is up reach the transport through 'close'; without a
    // listener an 'error' event would crash the process.
    client.on('error', (e: Error & { level?: string; code?: string }) => {
      if (!settled) settle(mapSshError(e, cfg, offered));
    });
    client.on('close', () => settle(new TidemarkError('SSH_CONNECT', `${where} closed the SSH connection during set-up`)));
    client.on('ready', () => settle());
    client.once('handshake', (negotiated) => (cipher = negotiated.cs.cipher));

    const stored = cfg.knownHostKey;
    const preferred = stored && HOST_KEY_ALGORITHMS[stored.keyType];
    try {
      client.connect({
        host: cfg.host,
        port: cfg.port,
        username: cfg.user,
        ...credentials,
        readyTimeout: timeoutMs,
        keepaliveInterval: 15_000,
        keepaliveCountMax: 4,
        algorithms: {
          cipher: first(FAST_CIPHERS),
          ...(preferred && { serverHostKey: first(preferred) }),
        },
        hostVerifier: (key: Buffer) => {
          offered = { fingerprint: sshFingerprint(key), keyType: sshKeyType(key) };
          return stored !== undefined && stored.fingerprint === offered.fingerprint;
        },
      });
      // Every command is a few small messages (channel open, exec, its close): with Nagle's
      // algorithm each waits for the server's delayed ACK, about 40 ms a command. OpenSSH and
      // node-postgres turn it off too.
      client.setNoDelay(true);
    } catch (e) {
      settle(mapSshError(e as Error, cfg, offered));
    }
  });
}

/** ssh2's default list with these moved to the front (prepend alone skips names already listed). */
function first<T>(names: T[]): AlgorithmList<T> {
  // ssh2 applies the operations in key order and accepts any subset of them; the types insist on all three.
  return { remove: names, prepend: names } as unknown as AlgorithmList<T>;
}

function mapSshError(e: Error & { level?: string; code?: string }, cfg: SshConnectConfig, offered?: SshHostKey): TidemarkError {
  const where = `${cfg.host}:${cfg.port}`;
  const cause = { cause: e };
  if (/Host denied/i.test(e.message) && offered) {
    const stored = cfg.knownHostKey;
    if (!stored)
      return new TidemarkError(
        'SSH_HOSTKEY_UNKNOWN',
        `${where} is not known yet. Its ${offered.keyType} host key fingerprint is ${offered.fingerprint}.`,
        {
          ...cause,
          hint: 'Compare it with the output of `ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub` on the server (or ask its administrator), and accept it once if it matches.',
          details: { fingerprint: offered.fingerprint, keyType: offered.keyType, host: cfg.host },
        },
      );
    return new TidemarkError(
      'SSH_HOSTKEY_CHANGED',
      `The host key of ${where} has changed: the accepted ${stored.keyType} key is ${stored.fingerprint}, the server now offers ${offered.keyType} ${offered.fingerprint}. Connection refused.`,
      {
        ...cause,
        hint: 'Someone could be intercepting the connection, or the server was reinstalled. Check `ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub` on the server before accepting the new key.',
        details: { stored: stored.fingerprint, offered: offered.fingerprint, storedKeyType: stored.keyType, offeredKeyType: offered.keyType, host: cfg.host },
      },
    );
  }
  if (e.level === 'client-authentication')
    return new TidemarkError('SSH_AUTH', `${where} refused SSH login as "${cfg.user}"`, {
      ...cause,
      hint:
        cfg.auth === 'agent'
          ? `None of the keys in ssh-agent is accepted: add the right one with ssh-add, or add its public key to ~${cfg.user}/.ssh/authorized_keys on the server.`
          : `Add the public key of ${cfg.keyPath} to ~${cfg.user}/.ssh/authorized_keys on the server (mode 0600, and the account must not be locked).`,
    });
  if (e.level === 'client-timeout')
    return new TidemarkError('TIMEOUT', `No SSH answer from ${where} in time (${e.message})`, cause);
  switch (e.code) {
    case 'ECONNREFUSED':
      return new TidemarkError('SSH_CONNECT', `SSH connection refused by ${where}`, {
        ...cause,
        hint: 'Is sshd running there and listening on that port?',
      });
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new TidemarkError('SSH_CONNECT', `Host "${cfg.host}" not found (DNS lookup failed)`, { ...cause, field: 'host' });
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'ETIMEDOUT':
      return new TidemarkError('SSH_CONNECT', `${where} is unreachable (${e.code})`, cause);
  }
  return new TidemarkError('SSH_CONNECT', `SSH to ${where} failed: ${e.message}`, {
    ...cause,
    hint: 'Is that port an SSH server?',
  });
}
