import { SETTINGS_VERSION } from './schema';
import { defaultAppSettings } from './defaults';

type Migration = (doc: Record<string, unknown>) => Record<string, unknown>;

/**
 * migrations[n] turns a version-n document into version n+1. A file without a version is a
 * hand-written one: it gets the defaults it leaves out.
 */
const migrations: Record<number, Migration> = {};

export function migrate(raw: Record<string, unknown>): Record<string, unknown> {
  let doc: Record<string, unknown> = {
    ...raw,
    version: raw.version ?? SETTINGS_VERSION,
    settings: { ...defaultAppSettings(), ...(raw.settings as object | undefined) },
    servers: Array.isArray(raw.servers) ? raw.servers.map(withServerDefaults) : (raw.servers ?? []),
  };
  for (let v = doc.version as number; v < SETTINGS_VERSION; v++) {
    const step = migrations[v];
    if (step) doc = { ...step(doc), version: v + 1 };
  }
  return doc;
}

/** Hand-written entries may leave out what has an obvious default. */
function withServerDefaults(entry: unknown, index: number): unknown {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return entry;
  const s = entry as Record<string, unknown>;
  const slug = typeof s.name === 'string' ? s.name.toLowerCase().replace(/[^a-z0-9_-]+/g, '-').slice(0, 48) : '';
  return {
    database: 'postgres',
    sslMode: 'prefer',
    transport: { kind: 'local' },
    ...s,
    id: s.id ?? (slug || `server-${index + 1}`),
  };
}
