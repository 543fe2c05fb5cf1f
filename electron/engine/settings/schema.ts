import type { AppSettings } from '../../../shared/models/settings';
import type { ServerConfig } from '../../../shared/models/server';

export const SETTINGS_VERSION = 1;

/** A secret as stored: ciphertext tagged with the cipher that made it (as Bruno does). */
export interface StoredSecret {
  readonly cipher: string;
  readonly data: string;
}

/** The settings file, as written on disk (README documents it for DBAs who write it by hand). */
export interface SettingsDoc {
  readonly version: number;
  readonly settings: AppSettings;
  readonly servers: readonly ServerConfig[];
  readonly secrets?: Readonly<Record<string, Readonly<Partial<Record<'password' | 'passphrase', StoredSecret>>>>>;
}

const port = { type: 'integer', minimum: 1, maximum: 65535 } as const;
const nonEmpty = { type: 'string', minLength: 1 } as const;
const mode = { enum: ['concurrent', 'exclusive'] } as const;

const knownHostKey = {
  type: 'object',
  required: ['fingerprint', 'keyType', 'acceptedAt'],
  additionalProperties: false,
  properties: {
    fingerprint: { type: 'string', pattern: '^SHA256:[A-Za-z0-9+/]{43}$' },
    keyType: nonEmpty,
    acceptedAt: { type: 'string' },
  },
} as const;

const transport = {
  type: 'object',
  required: ['kind'],
  oneOf: [
    { properties: { kind: { const: 'local' } }, additionalProperties: false },
    {
      required: ['kind', 'host', 'port', 'user', 'auth'],
      additionalProperties: false,
      properties: {
        kind: { const: 'ssh' },
        host: nonEmpty,
        port,
        user: nonEmpty,
        auth: { enum: ['key', 'agent'] },
        keyPath: { type: 'string' },
        knownHostKey,
      },
    },
  ],
} as const;

const server = {
  type: 'object',
  required: ['id', 'name', 'host', 'port', 'user', 'database', 'sslMode', 'transport'],
  additionalProperties: false,
  properties: {
    id: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' },
    name: nonEmpty,
    host: nonEmpty,
    port,
    user: nonEmpty,
    database: nonEmpty,
    sslMode: { enum: ['disable', 'prefer', 'require'] },
    transport,
    pgdata: { type: 'string', pattern: '^/' },
    mode,
    maxBackupAgeHours: { type: 'number', exclusiveMinimum: 0 },
    minBackups: { type: 'integer', minimum: 0 },
    facts: {
      type: 'object',
      required: ['version', 'versionNum', 'role', 'dataDirectory', 'systemIdentifier', 'testedAt'],
      properties: {
        version: { type: 'string' },
        versionNum: { type: 'integer' },
        role: { enum: ['primary', 'standby'] },
        dataDirectory: { type: 'string' },
        systemIdentifier: { type: 'string' },
        testedAt: { type: 'string' },
      },
    },
  },
} as const;

const settings = {
  type: 'object',
  required: ['backupRoot', 'defaultMode', 'fastCheckpoint', 'parallel', 'defaultMaxBackupAgeHours', 'manifestChecksums', 'networkCompression'],
  additionalProperties: false,
  properties: {
    backupRoot: nonEmpty,
    defaultMode: mode,
    fastCheckpoint: { type: 'boolean' },
    parallel: { type: 'integer', minimum: 1, maximum: 8 },
    defaultMaxBackupAgeHours: { type: 'number', exclusiveMinimum: 0 },
    manifestChecksums: { enum: ['CRC32C', 'SHA256'] },
    networkCompression: { enum: ['zstd', 'off'] },
  },
} as const;

const storedSecret = {
  type: 'object',
  required: ['cipher', 'data'],
  additionalProperties: false,
  properties: { cipher: nonEmpty, data: { type: 'string' } },
} as const;

/** Per-key schemas, the shape conf and electron-store take. */
export const settingsProperties = {
  version: { type: 'integer', minimum: 1 },
  settings,
  servers: { type: 'array', items: server },
  secrets: {
    type: 'object',
    additionalProperties: {
      type: 'object',
      additionalProperties: false,
      properties: { password: storedSecret, passphrase: storedSecret },
    },
  },
} as const;

export const settingsSchema = {
  type: 'object',
  required: ['version', 'settings', 'servers'],
  additionalProperties: false,
  properties: settingsProperties,
} as const;
