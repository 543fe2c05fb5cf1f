import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { exec } from './exec';
import { freePort } from './free-port';
import { sleep } from './cluster';
import { labOsUser, makePostgresDir } from './os-user';
import { onProcessExit } from './process-exit';
import { ownerFileName } from './stale';

export type HostKeyType = 'ed25519' | 'ecdsa' | 'rsa';

/** What lab.json stores about an sshd; enough for a test process to connect. */
export interface LabSshdInfo {
  readonly host: '127.0.0.1';
  readonly port: number;
  readonly user: string;
  /** As `ssh-keygen -lf` prints it: SHA256:<base64 without padding>. */
  readonly hostKeyFingerprint: string;
  readonly hostKeyType: HostKeyType;
  /** "<type> <base64>" of the host key. */
  readonly hostPublicKey: string;
  /** A known_hosts line for this server: "[127.0.0.1]:<port> <type> <base64>". */
  readonly knownHostsLine: string;
  /** Unencrypted ed25519 client key (OpenSSH format). */
  readonly clientKeyPath: string;
  /** ed25519 client key encrypted with `passphrase`. */
  readonly encryptedKeyPath: string;
  readonly passphrase: string;
  /** Unencrypted RSA 2048 client key in PEM ("BEGIN RSA PRIVATE KEY") format. */
  readonly rsaKeyPath: string;
  readonly dir: string;
  readonly logFile: string;
  readonly pid: number;
}

export interface LabSshd extends LabSshdInfo {
  stop(): Promise<void>;
  stopSync(): void;
  log(): string;
  toJSON(): LabSshdInfo;
}

export interface SshdOptions {
  /** Folder for config, keys and logs; a fresh /tmp/tidemark-lab-ssh-* (removed on stop) if omitted. */
  readonly dir?: string;
  readonly user?: string;
  readonly hostKeyType?: HostKeyType;
  readonly port?: number;
  /** Authorize (and report) another sshd's client keys instead of generating new ones. */
  readonly clientKeysFrom?: LabSshdInfo;
}

const SSHD = '/usr/sbin/sshd';

/** Starts Debian's sshd on a free loopback port with a new host key; stops with the process. */
export async function startSshd(opts: SshdOptions = {}): Promise<LabSshd> {
  const ownDir = !opts.dir;
  const dir = opts.dir ?? mkdtempSync('/tmp/tidemark-lab-ssh-');
  makePostgresDir(dir, 0o755);
  if (ownDir) writeFileSync(join(dir, ownerFileName), String(process.pid));
  const user = opts.user ?? labOsUser;
  const hostKeyType = opts.hostKeyType ?? 'ed25519';
  await unlockAccount(user);
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });

  const hostKey = join(dir, `ssh_host_${hostKeyType}_key`);
  rmSync(hostKey, { force: true });
  rmSync(`${hostKey}.pub`, { force: true });
  await keygen(hostKey, hostKeyType, '', 'tidemark-lab-host');
  const hostPublicKey = readFileSync(`${hostKey}.pub`, 'utf8').trim().split(/\s+/).slice(0, 2).join(' ');
  const { stdout: fingerprintLine } = await exec('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${hostKey}.pub`]);
  const hostKeyFingerprint = fingerprintLine.trim().split(/\s+/)[1];

  const keys = opts.clientKeysFrom ? reuseKeys(opts.clientKeysFrom) : await makeClientKeys(dir);
  const authorizedKeys = join(dir, 'authorized_keys');
  writeFileSync(authorizedKeys, keys.publicKeys.join('\n') + '\n');
  chmodSync(authorizedKeys, 0o644);

  const pidFile = join(dir, 'sshd.pid');
  const logFile = join(dir, 'sshd.log');
  const config = join(dir, 'sshd_config');
  let port = opts.port ?? (await freePort());
  let child: ChildProcess | undefined;
  const running = (): boolean => !!child && child.exitCode === null && child.signalCode === null;
  const stopSync = (): void => {
    if (child?.pid && running()) {
      try {
        process.kill(child.pid, 'SIGTERM');
      } catch {
        // Already gone.
      }
    }
    if (ownDir) rmSync(dir, { recursive: true, force: true });
  };
  const unregister = onProcessExit(stopSync);
  try {
    // A port picked here may be taken before sshd binds it (other test runs share the machine).
    for (let attempt = 1; ; attempt++) {
      writeFileSync(config, sshdConfig({ port, hostKey, pidFile, authorizedKeys, user }));
      await exec(SSHD, ['-t', '-f', config]);
      rmSync(logFile, { force: true });
      const logFd = openSync(logFile, 'a');
      child = spawn(SSHD, ['-D', '-e', '-f', config], { stdio: ['ignore', logFd, logFd] });
      closeSync(logFd);
      child.unref();
      try {
        await waitListening(logFile, port, () => !running());
        break;
      } catch (error) {
        if (running()) child.kill('SIGTERM');
        if (opts.port !== undefined || attempt >= 4 || !/Address already in use|Cannot bind/i.test(readText(logFile))) throw error;
        port = await freePort();
      }
    }
  } catch (error) {
    unregister();
    stopSync();
    throw error;
  }
  const sshd = child;
  const pid = sshd.pid ?? 0;

  const info: LabSshdInfo = {
    host: '127.0.0.1',
    port,
    user,
    hostKeyFingerprint,
    hostKeyType,
    hostPublicKey,
    knownHostsLine: `[127.0.0.1]:${port} ${hostPublicKey}`,
    clientKeyPath: keys.clientKeyPath,
    encryptedKeyPath: keys.encryptedKeyPath,
    passphrase: keys.passphrase,
    rsaKeyPath: keys.rsaKeyPath,
    dir,
    logFile,
    pid,
  };
  return {
    ...info,
    toJSON: () => info,
    log: () => readText(logFile),
    stopSync: () => {
      unregister();
      stopSync();
    },
    stop: async () => {
      unregister();
      const exited = running() ? new Promise<void>((resolve) => sshd.once('exit', () => resolve())) : Promise.resolve();
      stopSync();
      await Promise.race([exited, sleep(5000)]);
    },
  };
}

/** A handle on an sshd started by another process (the test runner): never stops it. */
export function attachSshd(info: LabSshdInfo): LabSshd {
  return { ...info, toJSON: () => info, log: () => readText(info.logFile), stop: async () => {}, stopSync: () => {} };
}

function sshdConfig(o: { port: number; hostKey: string; pidFile: string; authorizedKeys: string; user: string }): string {
  return [
    `Port ${o.port}`,
    'ListenAddress 127.0.0.1',
    'AddressFamily inet',
    `HostKey ${o.hostKey}`,
    `PidFile ${o.pidFile}`,
    `AuthorizedKeysFile ${o.authorizedKeys}`,
    'StrictModes no',
    'PubkeyAuthentication yes',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'UsePAM no',
    `AllowUsers ${o.user}`,
    'PermitRootLogin no',
    'X11Forwarding no',
    'PrintMotd no',
    'PrintLastLog no',
    'UseDNS no',
    // Parallel copies open many connections and channels at once.
    'MaxStartups 64:30:128',
    'MaxSessions 64',
    'Subsystem sftp internal-sftp',
    'LogLevel VERBOSE',
    '',
  ].join('\n');
}

interface ClientKeys {
  clientKeyPath: string;
  encryptedKeyPath: string;
  rsaKeyPath: string;
  passphrase: string;
  publicKeys: string[];
}

async function makeClientKeys(dir: string): Promise<ClientKeys> {
  const clientKeyPath = join(dir, 'client_ed25519');
  const encryptedKeyPath = join(dir, 'client_ed25519_encrypted');
  const rsaKeyPath = join(dir, 'client_rsa_pem');
  const passphrase = `lab-${randomBytes(6).toString('hex')}`;
  await Promise.all([
    keygen(clientKeyPath, 'ed25519', '', 'tidemark-lab-client'),
    keygen(encryptedKeyPath, 'ed25519', passphrase, 'tidemark-lab-client-encrypted'),
    keygen(rsaKeyPath, 'rsa', '', 'tidemark-lab-client-rsa', ['-m', 'PEM', '-b', '2048']),
  ]);
  const publicKeys = [clientKeyPath, encryptedKeyPath, rsaKeyPath].map((key) => readFileSync(`${key}.pub`, 'utf8').trim());
  return { clientKeyPath, encryptedKeyPath, rsaKeyPath, passphrase, publicKeys };
}

function reuseKeys(from: LabSshdInfo): ClientKeys {
  const publicKeys = [from.clientKeyPath, from.encryptedKeyPath, from.rsaKeyPath]
    .filter((key) => existsSync(`${key}.pub`))
    .map((key) => readFileSync(`${key}.pub`, 'utf8').trim());
  return { ...from, publicKeys };
}

async function keygen(path: string, type: HostKeyType, passphrase: string, comment: string, extra: string[] = []): Promise<void> {
  await exec('ssh-keygen', ['-q', '-t', type, '-N', passphrase, '-C', comment, ...extra, '-f', path]);
}

let accountChecked = false;

/** sshd (without PAM) refuses a locked account even for key logins; Debian's postgres is locked. */
async function unlockAccount(user: string): Promise<void> {
  if (accountChecked) return;
  const { stdout } = await exec('passwd', ['-S', user]);
  if (stdout.split(/\s+/)[1] === 'L') await exec('usermod', ['-p', '*', user]);
  accountChecked = true;
}

async function waitListening(logFile: string, port: number, exited: () => boolean): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!readText(logFile).includes(`Server listening on 127.0.0.1 port ${port}`)) {
    if (exited() || Date.now() > deadline) throw new Error(`sshd did not start on port ${port}:\n${readText(logFile)}`);
    await sleep(50);
  }
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

