import { parseArgs } from 'node:util';
import type { Req, RequestChannel, Res } from '../../shared/contract';
import type { BackupMode } from '../../shared/models/server';
import { restoreBackup } from '../engine/backup/restore';
import { formatChecks } from '../engine/checks/format-checks';
import { dispatch } from '../engine/dispatch';
import { createEngine, type Engine } from '../engine/engine';
import { toAppError } from '../engine/errors';
import { EnvSecretStore } from '../engine/secrets/env-secret-store';
import { backupSummary, backupsTable, errorText, progressLine, serversTable, testReport } from './format';

const USAGE = `Usage: tidemark [--config FILE] [--json] <command> [args]

Commands:
  servers                               list the configured servers
  test <server>                         connect to PostgreSQL (and SSH) and report version, role, host key
  trust <server> <SHA256:fingerprint>   accept an SSH host key after comparing it with the server's
  check <server> [--mode M] [--fix ID]  run the server checks (exit 1 if one failed); --fix runs a remedy
  backup <server> [--mode concurrent|exclusive]
                                        take a backup now, with a live progress line
  list <server>                         the server's backups, newest first
  restore <server> <backup-id> <dir> [--tablespace OID=PATH ...]
                                        materialise a ready-to-start data directory

<server> is a server's name or id. Options:
  --config FILE   settings file (default: the app's own, ~/.config/Tidemark/settings.json on Linux)
  --json          machine-readable output
Passwords come from PGPASSWORD or ~/.pgpass; an SSH key passphrase from TIDEMARK_SSH_PASSPHRASE or ssh-agent.`;

class CliError extends Error {
  constructor(message: string, readonly exitCode = 2) {
    super(message);
  }
}

async function call<C extends RequestChannel>(engine: Engine, channel: C, req: Req<C>): Promise<Res<C>> {
  const result = await dispatch(engine.handlers, channel, req);
  if (!result.ok) throw Object.assign(new Error(result.error.message), { appError: result.error });
  return result.data;
}

function parseMode(value: string | undefined): BackupMode | undefined {
  if (value === undefined) return undefined;
  if (value !== 'concurrent' && value !== 'exclusive') throw new CliError(`--mode must be "concurrent" or "exclusive", not "${value}".`);
  return value;
}

export async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      config: { type: 'string' },
      json: { type: 'boolean', default: false },
      mode: { type: 'string' },
      fix: { type: 'string' },
      tablespace: { type: 'string', multiple: true },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [command, ...args] = positionals;
  if (values.help || !command) {
    console.log(USAGE);
    return command || values.help ? 0 : 2;
  }
  const json = values.json;
  const out = (data: unknown, text: string): void => console.log(json ? JSON.stringify(data, null, 2) : text);
  const need = (n: number, what: string): void => {
    if (args.length < n) throw new CliError(`${command} needs ${what}.\n\n${USAGE}`);
  };

  const engine = createEngine({ shell: 'cli', settingsPath: values.config, secrets: () => new EnvSecretStore() });
  try {
    if (engine.settings.problem) console.error(errorText(engine.settings.problem));
    const server = (nameOrId: string) => engine.servers.find(nameOrId);
    switch (command) {
      case 'servers': {
        const list = await call(engine, 'servers:list', undefined);
        out(list, serversTable(list));
        return engine.settings.problem ? 1 : 0;
      }
      case 'test': {
        need(1, 'a server');
        const s = server(args[0]);
        const report = await call(engine, 'servers:test', { id: s.id });
        out(report, testReport(s.name, report));
        return 0;
      }
      case 'trust': {
        need(2, 'a server and the fingerprint shown by `tidemark test`');
        const s = server(args[0]);
        if (s.transport.kind !== 'ssh') throw new CliError(`${s.name} does not use SSH.`);
        // Re-offer the key so the user can only accept the one the server presents now.
        const probe = await dispatch(engine.handlers, 'servers:test', { id: s.id });
        const offered = !probe.ok && probe.error.code === 'SSH_HOSTKEY_UNKNOWN' ? probe.error.details : undefined;
        if (probe.ok) {
          out(probe.data, `${s.name}: the host key is already trusted (${probe.data.ssh?.fingerprint}).`);
          return 0;
        }
        if (!offered) throw Object.assign(new Error(probe.error.message), { appError: probe.error });
        if (offered.fingerprint !== args[1]) {
          throw new CliError(`The server offers ${offered.fingerprint}, not ${args[1]}. Nothing was changed.`, 1);
        }
        const view = await call(engine, 'servers:trust-host-key', { id: s.id, fingerprint: offered.fingerprint, keyType: offered.keyType });
        out(view, `${s.name}: trusted ${offered.keyType} ${offered.fingerprint}`);
        return 0;
      }
      case 'check': {
        need(1, 'a server');
        const s = server(args[0]);
        const mode = parseMode(values.mode);
        const results = values.fix
          ? await call(engine, 'checks:fix', { serverId: s.id, checkId: values.fix, actionId: values.fix })
          : await call(engine, 'checks:run', { serverId: s.id, mode });
        out(results, `Server ${s.name}:\n${formatChecks(results)}`);
        return results.some((r) => r.status === 'failed') ? 1 : 0;
      }
      case 'backup':
        need(1, 'a server');
        return await backup(engine, server(args[0]).id, parseMode(values.mode), json);
      case 'list': {
        need(1, 'a server');
        const list = await call(engine, 'backups:list', { serverId: server(args[0]).id });
        out(list, backupsTable(list));
        return 0;
      }
      case 'restore': {
        need(3, 'a server, a backup id and a target directory');
        const s = server(args[0]);
        const tablespaces: Record<string, string> = {};
        for (const spec of values.tablespace ?? []) {
          const m = /^(\d+)=(\/.*)$/.exec(spec);
          if (!m) throw new CliError(`--tablespace takes OID=/absolute/path, not "${spec}".`);
          tablespaces[m[1]] = m[2];
        }
        const result = await restoreBackup(engine.settings.current.settings.backupRoot, s.id, args[1], args[2], { tablespaces });
        out(result, result.summary);
        return 0;
      }
      default:
        throw new CliError(`Unknown command "${command}".\n\n${USAGE}`);
    }
  } catch (e) {
    if (e instanceof CliError) {
      console.error(`error: ${e.message}`);
      return e.exitCode;
    }
    const appError = (e as { appError?: ReturnType<typeof toAppError> }).appError ?? toAppError(e);
    if (json) console.log(JSON.stringify({ error: appError }, null, 2));
    else console.error(errorText(appError));
    return 1;
  } finally {
    await engine.close();
  }
}

async function backup(engine: Engine, serverId: string, mode: BackupMode | undefined, json: boolean): Promise<number> {
  const tty = process.stderr.isTTY && !json;
  let last = '';
  const offProgress = engine.bus.on('job:progress', (p) => {
    const line = progressLine(p);
    if (tty) process.stderr.write(`\r\x1b[2K${line.slice(0, (process.stderr.columns || 120) - 1)}`);
    else if (!json && p.phase !== last) process.stderr.write(`${line}\n`);
    last = p.phase;
  });
  const offLog = engine.bus.on('job:log', (l) => {
    if (json) return;
    if (tty) process.stderr.write('\r\x1b[2K');
    process.stderr.write(`${l.level === 'info' ? '' : `${l.level}: `}${l.message}\n`);
  });
  const { jobId } = await call(engine, 'backup:start', { serverId, mode });
  const stop = (): void => {
    process.stderr.write('\ncancelling…\n');
    void dispatch(engine.handlers, 'backup:cancel', { jobId });
  };
  process.once('SIGINT', stop);
  try {
    const done = await engine.backups.waitForJob(jobId);
    if (tty) process.stderr.write('\r\x1b[2K');
    const details = done.status === 'DONE' ? await call(engine, 'backups:get', { serverId, backupId: done.backupId }) : undefined;
    console.log(json ? JSON.stringify(done.backup, null, 2) : backupSummary(done.backup, details?.path));
    return done.status === 'DONE' ? 0 : 1;
  } finally {
    process.off('SIGINT', stop);
    offProgress();
    offLog();
  }
}

/** Runs the CLI and exits with its status (bin/tidemark.cjs calls this). */
export function run(argv: string[] = process.argv.slice(2)): void {
  main(argv).then(
    (code) => {
      process.exitCode = code;
      // Let stdout drain before leaving: a pipe (| jq) would otherwise lose the tail.
      process.stdout.write('', () => process.exit(code));
    },
    (e) => {
      console.error(e instanceof Error ? e.stack : e);
      process.exit(1);
    },
  );
}

if (require.main === module) run();
