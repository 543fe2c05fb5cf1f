import { TidemarkError } from '../errors';
import { shellQuote, type Transport } from '../transport/transport';

/**
 * Small POSIX sh probes run on the database host through the transport. Each prints
 * `key=value` lines so one round trip answers a whole question.
 */

const EXEC_TIMEOUT_MS = 2500;

async function run(transport: Transport, script: string, timeoutMs = EXEC_TIMEOUT_MS): Promise<string> {
  const r = await transport.exec(script, { timeoutMs });
  if (r.code !== 0) {
    throw new TidemarkError('SSH_COMMAND', `A command failed on ${transport.description} (exit ${r.code ?? r.signal}): ${r.stderr.trim() || 'no message'}`);
  }
  return r.stdout.toString('utf8');
}

export function parseKeyValues(text: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) map.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim());
  }
  return map;
}

export interface DirAccess {
  readonly state: 'missing' | 'denied' | 'no-pg-control' | 'ok';
  /** The OS user the transport runs commands as. */
  readonly user: string;
  /** PG_VERSION's content (the major version), when readable. */
  readonly pgVersion?: string;
}

export async function probePgdata(transport: Transport, pgdata: string): Promise<DirAccess> {
  const d = shellQuote(pgdata);
  const out = parseKeyValues(
    await run(
      transport,
      `echo "user=$(id -un 2>/dev/null)"
if [ ! -d ${d} ]; then echo state=missing
elif [ ! -r ${d} ] || [ ! -x ${d} ]; then echo state=denied
elif [ ! -r ${d}/global/pg_control ]; then echo state=no-pg-control
else echo state=ok; echo "pg_version=$(cat ${d}/PG_VERSION 2>/dev/null)"; fi`,
    ),
  );
  const state = out.get('state');
  const user = out.get('user') ?? '';
  if (state === 'ok') return { state, pgVersion: out.get('pg_version') ?? '', user };
  if (state === 'missing' || state === 'denied' || state === 'no-pg-control') return { state, user };
  throw new TidemarkError('SSH_COMMAND', `Unexpected answer from ${transport.description}: ${JSON.stringify(out)}`);
}

/** The first 8 bytes of global/pg_control: the system identifier, in the host's byte order. */
export async function readControlSystemIdentifier(transport: Transport, pgdata: string): Promise<string> {
  const file = shellQuote(`${pgdata.replace(/\/+$/, '')}/global/pg_control`);
  const out = await run(transport, `head -c 8 ${file} | od -An -tu8`);
  return parseOdUint64(out);
}

/** `od -An -tu8` output ("   7312345678901234567\n") as a decimal string. */
export function parseOdUint64(out: string): string {
  const m = /^\s*(\d+)\s*$/.exec(out);
  if (!m) throw new TidemarkError('SSH_COMMAND', `Could not read the system identifier from global/pg_control (od printed ${JSON.stringify(out.trim())}).`);
  return BigInt(m[1]).toString();
}

/** The first line of `--version` of the tools a backup uses; null for one that is missing. */
export async function toolVersions(transport: Transport): Promise<{ tar: string | null; find: string | null; zstd: string | null }> {
  const version = (tool: string): string =>
    `if command -v ${tool} >/dev/null 2>&1; then echo "${tool}=$(${tool} --version 2>&1 | head -n 1)"; else echo "${tool}=(missing)"; fi`;
  const kv = parseKeyValues(await run(transport, ['tar', 'find', 'zstd'].map(version).join('\n')));
  const value = (tool: string): string | null => {
    const v = kv.get(tool) ?? '';
    return v === '(missing)' ? null : v;
  };
  return { tar: value('tar'), find: value('find'), zstd: value('zstd') };
}

export interface LabelProbe {
  readonly dir: 'ok' | 'missing' | 'denied';
  readonly label: boolean;
  /** Epoch seconds of backup_label's last modification. */
  readonly labelMtime?: number;
  /** backup_label's text (its first 4 kB), when readable. */
  readonly labelText?: string;
  /** postmaster.pid exists (a running server, or one that crashed). */
  readonly pidFile: boolean;
  readonly pid?: number;
  /** The command name of that PID, if such a process exists. */
  readonly command?: string;
}

/** Whether backup_label sits in PGDATA, and whether postmaster.pid names a live postgres. */
export async function probeLabel(transport: Transport, pgdata: string): Promise<LabelProbe> {
  const d = shellQuote(pgdata);
  const out = await run(
    transport,
    `if [ ! -d ${d} ]; then echo dir=missing; exit 0; fi
cd ${d} 2>/dev/null || { echo dir=denied; exit 0; }
echo dir=ok
if [ -e backup_label ]; then
  echo label=1
  echo "mtime=$(stat -c %Y backup_label 2>/dev/null || stat -f %m backup_label 2>/dev/null)"
else echo label=0; fi
if [ -e postmaster.pid ]; then
  echo pidfile=1
  pid=$(head -n 1 postmaster.pid 2>/dev/null)
  echo "pid=$pid"
  case "$pid" in
    ''|*[!0-9]*) ;;
    *) echo "command=$(ps -p "$pid" -o comm= 2>/dev/null || cat /proc/"$pid"/comm 2>/dev/null)" ;;
  esac
else echo pidfile=0; fi
if [ -r backup_label ]; then echo '--- backup_label'; head -c 4096 backup_label; fi`,
  );
  const marker = out.indexOf('--- backup_label\n');
  const kv = parseKeyValues(marker >= 0 ? out.slice(0, marker) : out);
  const dir = kv.get('dir') as LabelProbe['dir'] | undefined;
  if (dir !== 'ok' && dir !== 'missing' && dir !== 'denied') {
    throw new TidemarkError('SSH_COMMAND', `Unexpected answer from ${transport.description} while looking for backup_label.`);
  }
  const mtime = Number(kv.get('mtime'));
  const pid = Number(kv.get('pid'));
  const command = kv.get('command');
  return {
    dir,
    label: kv.get('label') === '1',
    ...(Number.isFinite(mtime) && mtime > 0 && { labelMtime: mtime }),
    ...(marker >= 0 && { labelText: out.slice(marker + '--- backup_label\n'.length) }),
    pidFile: kv.get('pidfile') === '1',
    ...(Number.isInteger(pid) && pid > 0 && { pid }),
    ...(command && { command }),
  };
}

/** A postmaster is alive when postmaster.pid's PID runs a postgres (or postmaster) binary. */
export const postmasterAlive = (p: LabelProbe): boolean => p.pid !== undefined && /postgres|postmaster/.test(p.command ?? '');

/** Size of PGDATA and its tablespaces (symlinks followed), in bytes. */
export async function duBytes(transport: Transport, pgdata: string, timeoutMs: number): Promise<number> {
  const out = await run(transport, `du -skL ${shellQuote(pgdata)} 2>/dev/null | tail -n 1`, timeoutMs);
  const kb = Number(out.trim().split(/\s+/)[0]);
  if (!Number.isFinite(kb) || kb <= 0) throw new TidemarkError('SSH_COMMAND', `du gave no size for ${pgdata}.`);
  return kb * 1024;
}
