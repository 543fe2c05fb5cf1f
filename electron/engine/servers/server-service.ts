import { randomUUID } from 'node:crypto';
import { isAbsolute } from 'node:path';
import type { ServerConfig, ServerFacts, ServerInput, ServerView, TransportConfig } from '../../../shared/models/server';
import { TidemarkError, validation } from '../errors';
import type { SecretStore } from '../secrets/secret-store';
import type { SettingsStore } from '../settings/settings-store';

/** Server CRUD over the settings file. Secrets go to the SecretStore, never into ServerConfig. */
export class ServerService {
  constructor(
    private readonly settings: SettingsStore,
    private readonly secrets: SecretStore,
  ) {}

  list(): ServerView[] {
    return this.settings.current.servers.map((s) => this.view(s));
  }

  get(id: string): ServerConfig {
    const found = this.settings.current.servers.find((s) => s.id === id);
    if (!found) throw new TidemarkError('NOT_FOUND', `No server with id "${id}".`);
    return found;
  }

  /** Finds a server by id or by name (the CLI takes either). */
  find(idOrName: string): ServerConfig {
    const servers = this.settings.current.servers;
    const found =
      servers.find((s) => s.id === idOrName) ?? servers.find((s) => s.name.toLowerCase() === idOrName.toLowerCase());
    if (!found) {
      const names = servers.map((s) => s.name).join(', ') || 'none yet';
      throw new TidemarkError('NOT_FOUND', `No server named "${idOrName}".`, { hint: `Known servers: ${names}.` });
    }
    return found;
  }

  view(s: ServerConfig): ServerView {
    return { ...s, hasPassword: this.secrets.has(s.id, 'password'), hasPassphrase: this.secrets.has(s.id, 'passphrase') };
  }

  async save(input: ServerInput): Promise<ServerView> {
    const existing = input.id === undefined ? undefined : this.get(input.id);
    const config = normalize(input, existing);
    const clash = this.settings.current.servers.find(
      (s) => s.id !== config.id && s.name.toLowerCase() === config.name.toLowerCase(),
    );
    if (clash) throw validation('name', `A server named "${clash.name}" already exists.`, 'Choose another name.');
    this.settings.update((doc) => ({
      ...doc,
      servers: existing ? doc.servers.map((s) => (s.id === config.id ? config : s)) : [...doc.servers, config],
    }));
    if (input.password !== undefined) await this.secrets.set(config.id, 'password', input.password || null);
    if (input.passphrase !== undefined) await this.secrets.set(config.id, 'passphrase', input.passphrase || null);
    return this.view(config);
  }

  async delete(id: string): Promise<void> {
    this.get(id);
    this.settings.update((doc) => ({ ...doc, servers: doc.servers.filter((s) => s.id !== id) }));
    await this.secrets.forget(id);
  }

  trustHostKey(id: string, fingerprint: string, keyType: string): ServerView {
    const server = this.get(id);
    if (server.transport.kind !== 'ssh') throw validation('transport', `Server "${server.name}" does not use SSH.`);
    if (!/^SHA256:[A-Za-z0-9+/]{43}$/.test(fingerprint)) throw validation('fingerprint', `"${fingerprint}" is not a SHA256 fingerprint.`);
    const transport = { ...server.transport, knownHostKey: { fingerprint, keyType, acceptedAt: new Date().toISOString() } };
    return this.replace({ ...server, transport });
  }

  async updateFacts(id: string, facts: ServerFacts | undefined): Promise<void> {
    if (this.settings.problem) return; // read-only: facts are a cache, losing them is harmless
    this.replace({ ...this.get(id), facts });
  }

  private replace(server: ServerConfig): ServerView {
    this.settings.update((doc) => ({ ...doc, servers: doc.servers.map((s) => (s.id === server.id ? server : s)) }));
    return this.view(server);
  }
}

const text = (v: unknown): string => (typeof v === 'string' ? v.trim() : '');

function port(v: unknown, field: string, label: string): number {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 65535) {
    throw validation(field, `${label} must be a whole number from 1 to 65535 (got ${JSON.stringify(v)}).`);
  }
  return n;
}

function required(v: unknown, field: string, label: string): string {
  const s = text(v);
  if (!s) throw validation(field, `${label} is required.`);
  return s;
}

/** Validates a form's input into a stored server; the first bad field gives the error. */
export function normalize(input: ServerInput, existing?: ServerConfig): ServerConfig {
  const name = required(input.name, 'name', 'Name');
  if (name.length > 80) throw validation('name', 'Name must be at most 80 characters.');
  const host = required(input.host, 'host', 'Host');
  const pgPort = port(input.port, 'port', 'Port');
  const user = required(input.user, 'user', 'User');
  const database = text(input.database) || 'postgres';
  const sslMode = input.sslMode ?? 'prefer';
  if (!['disable', 'prefer', 'require'].includes(sslMode)) throw validation('sslMode', `Unknown SSL mode "${sslMode}".`);
  if (input.mode !== undefined && !['concurrent', 'exclusive'].includes(input.mode)) {
    throw validation('mode', `Backup mode must be "concurrent" or "exclusive".`);
  }
  const pgdata = text(input.pgdata);
  if (pgdata && !isAbsolute(pgdata)) throw validation('pgdata', 'The data directory must be an absolute path.');
  const maxAge = input.maxBackupAgeHours;
  if (maxAge !== undefined && !(typeof maxAge === 'number' && maxAge > 0)) {
    throw validation('maxBackupAgeHours', 'Maximum backup age must be a positive number of hours.');
  }
  const minBackups = input.minBackups;
  if (minBackups !== undefined && !(Number.isInteger(minBackups) && minBackups >= 0)) {
    throw validation('minBackups', 'Minimum number of backups must be a whole number.');
  }
  return {
    id: existing?.id ?? randomUUID(),
    name,
    host,
    port: pgPort,
    user,
    database,
    sslMode,
    transport: normalizeTransport(input.transport, existing?.transport),
    ...(pgdata && { pgdata }),
    ...(input.mode && { mode: input.mode }),
    ...(maxAge !== undefined && { maxBackupAgeHours: maxAge }),
    ...(minBackups !== undefined && { minBackups }),
    ...(existing?.facts && sameEndpoint(existing, host, pgPort) && { facts: existing.facts }),
  };
}

const sameEndpoint = (s: ServerConfig, host: string, port: number): boolean => s.host === host && s.port === port;

function normalizeTransport(t: TransportConfig | undefined, previous?: TransportConfig): TransportConfig {
  if (!t || t.kind === 'local') return { kind: 'local' };
  if (t.kind !== 'ssh') throw validation('transport', 'Transport must be "local" or "ssh".');
  const host = required(t.host, 'transport.host', 'SSH host');
  const sshPort = port(t.port, 'transport.port', 'SSH port');
  const user = required(t.user, 'transport.user', 'SSH user');
  if (t.auth !== 'key' && t.auth !== 'agent') throw validation('transport.auth', 'SSH authentication must be "key" or "agent".');
  const keyPath = text(t.keyPath);
  if (t.auth === 'key' && !keyPath) throw validation('transport.keyPath', 'Choose the SSH private key file.');
  // The accepted host key belongs to host:port; only servers:trust-host-key may set it.
  const keep = previous?.kind === 'ssh' && previous.host === host && previous.port === sshPort ? previous.knownHostKey : undefined;
  return { kind: 'ssh', host, port: sshPort, user, auth: t.auth, ...(keyPath && { keyPath }), ...(keep && { knownHostKey: keep }) };
}
