import type { CheckAction } from '../../../shared/models/check';
import { parseBackupLabel } from '../backup/backup-label';
import { TidemarkError } from '../errors';
import { failed, formatAge, ok, skipped, Unavailable, warning, type Check, type CheckContext, type Outcome, type SqlSession } from './check';
import { postmasterAlive, probeLabel, type LabelProbe } from './remote-probes';

/** Exclusive backups exist on PostgreSQL 9.6–14, on a primary only. */
const exclusivePossible = (versionNum: number): boolean => versionNum < 150000;

export const STOP_LEFTOVER_BACKUP = 'stop-leftover-backup';

interface ExclusiveState {
  readonly inBackup: boolean;
  readonly since: Date | null;
}

async function exclusiveState(client: SqlSession): Promise<ExclusiveState> {
  const { rows } = await client.query<{ in_backup: boolean; since: Date | null }>(
    'SELECT pg_is_in_backup() AS in_backup, pg_backup_start_time() AS since',
  );
  return { inBackup: rows[0].in_backup, since: rows[0].since };
}

const describeSince = (since: Date | null): string =>
  since ? `since ${since.toISOString()} (${formatAge(Date.now() - since.getTime())} ago)` : 'since an unknown time';

export const backupInProgressCheck: Check = {
  id: 'backup-in-progress',
  title: 'Leftover exclusive backup',
  critical: true,
  timeoutMs: 3000,
  needs: ['pg'],
  actionIds: [STOP_LEFTOVER_BACKUP],
  async run(ctx) {
    const facts = await ctx.facts();
    if (!exclusivePossible(facts.versionNum)) return ok('PostgreSQL 15 and later have no exclusive backups.');
    if (facts.role === 'standby') return ok('A standby cannot run an exclusive backup.');
    const state = await exclusiveState(await ctx.pg());
    if (!state.inBackup) return ok('No exclusive backup is in progress.');
    if (ctx.runningJob?.mode === 'exclusive') return ok(`Tidemark's own exclusive backup is running ${describeSince(state.since)}.`);
    const detail =
      `An exclusive backup has been in progress ${describeSince(state.since)} and no Tidemark backup of this server is running: ` +
      'the tool that started it crashed or never called pg_stop_backup().';
    const hint =
      'While it lasts, backup_label stays in PGDATA: if PostgreSQL restarts or crashes meanwhile, it takes itself for a restored backup. ' +
      'If nothing is still copying files for it, stop it: SELECT pg_stop_backup(); (or use the action).';
    const action: CheckAction = {
      id: STOP_LEFTOVER_BACKUP,
      label: 'Stop the leftover backup',
      confirm: `Run pg_stop_backup() on ${ctx.server.name}? It ends the exclusive backup started ${describeSince(state.since)}; a tool still copying files for it would end up with an unusable backup.`,
    };
    // PostgreSQL refuses a second exclusive backup, so in exclusive mode this blocks the next one.
    return ctx.mode === 'exclusive'
      ? { status: 'failed', detail: `${detail} PostgreSQL refuses to start another exclusive backup until it is stopped.`, hint, action }
      : warning(detail, hint, action);
  },
  async fix(actionId, env) {
    if (actionId !== STOP_LEFTOVER_BACKUP) throw new TidemarkError('NOT_FOUND', `The leftover backup check has no action "${actionId}".`);
    if (env.runningJob?.mode === 'exclusive') {
      throw new TidemarkError('BACKUP_BUSY', `Tidemark's own exclusive backup of ${env.server.name} is running: it is not a leftover.`, {
        hint: 'Cancel that backup from its job instead.',
      });
    }
    await stopLeftoverBackup(await env.pg(), env.server.name);
  },
};

/** The remedy behind the "Stop the leftover backup" action. */
async function stopLeftoverBackup(client: SqlSession, serverName: string): Promise<void> {
  const state = await exclusiveState(client);
  if (!state.inBackup) return; // already stopped, nothing to do
  try {
    // (exclusive, wait_for_archive = false): Tidemark never waits on an archive it does not use.
    await client.query('SELECT pg_stop_backup(true, false)');
  } catch (e) {
    throw new TidemarkError('PG_QUERY', `Could not stop the exclusive backup on ${serverName}: ${(e as Error).message}`, {
      cause: e,
      hint: 'Run SELECT pg_stop_backup(); as a superuser (or a role granted EXECUTE on it).',
    });
  }
}

export const backupLabelCheck: Check = {
  id: 'backup-label',
  title: 'Stale backup_label',
  critical: true,
  timeoutMs: 4000,
  needs: ['pg', 'transport'],
  async run(ctx) {
    try {
      await ctx.pg();
    } catch (e) {
      if (e instanceof Unavailable) return labelWhileDown(ctx, e);
      throw e;
    }
    return labelWhileUp(ctx);
  },
};

async function labelWhileUp(ctx: CheckContext): Promise<Outcome> {
  const client = await ctx.pg();
  const facts = await ctx.facts();
  const exclusive = exclusivePossible(facts.versionNum) && facts.role === 'primary' ? await exclusiveState(client) : undefined;
  const found = await findLabel(ctx, client);
  if (!found.present) return ok(`No backup_label in PGDATA (looked ${found.how}).`);
  if (exclusive?.inBackup) return ok(`backup_label belongs to the exclusive backup in progress (looked ${found.how}).`);
  const age = found.mtime ? `, written ${found.mtime.toISOString()} (${formatAge(Date.now() - found.mtime.getTime())} ago)` : '';
  const pgdata = await ctx.pgdata().catch(() => 'PGDATA');
  return failed(
    `A backup_label file is in ${pgdata}${age}, but no exclusive backup is in progress${facts.versionNum >= 150000 ? ' (PostgreSQL 15+ never writes one there)' : ''}.`,
    `At the next restart or crash PostgreSQL will take this server for a restored backup and start recovery from the checkpoint that file names — possibly an old one whose WAL is gone, and then it refuses to start. ` +
      `As the postgres OS user, move it away: mv ${pgdata}/backup_label ${pgdata}/backup_label.stale (keep it until you know where it came from).`,
  );
}

/** Looks for backup_label with pg_stat_file when the role may call it, else through the transport. */
async function findLabel(ctx: CheckContext, client: SqlSession): Promise<{ present: boolean; mtime?: Date; how: string }> {
  const { rows } = await client.query<{ allowed: boolean }>(
    "SELECT has_function_privilege('pg_catalog.pg_stat_file(text, boolean)', 'EXECUTE') AS allowed",
  );
  if (rows[0].allowed) {
    const r = await client.query<{ modification: Date | null }>("SELECT modification FROM pg_stat_file('backup_label', true)");
    const mtime = r.rows[0]?.modification ?? null;
    return { present: mtime !== null, ...(mtime && { mtime }), how: 'with pg_stat_file' };
  }
  let transport;
  try {
    transport = await ctx.transport();
  } catch (e) {
    if (e instanceof Unavailable) {
      throw new Unavailable(
        `Cannot look for backup_label: the role may not call pg_stat_file and ${e.reason.charAt(0).toLowerCase()}${e.reason.slice(1)}`,
        `Fix the transport, or GRANT EXECUTE ON FUNCTION pg_catalog.pg_stat_file(text, boolean) TO ${ctx.server.user};`,
      );
    }
    throw e;
  }
  const probe = await probeLabel(transport, await ctx.pgdata());
  if (probe.dir !== 'ok') throw new Unavailable(`Cannot look for backup_label: PGDATA is ${probe.dir === 'missing' ? 'missing' : 'not accessible'} on ${transport.description}.`);
  return { present: probe.label, ...(probe.labelMtime && { mtime: new Date(probe.labelMtime * 1000) }), how: `on ${transport.description}` };
}

async function labelWhileDown(ctx: CheckContext, down: Unavailable): Promise<Outcome> {
  let transport;
  try {
    transport = await ctx.transport();
  } catch (e) {
    if (e instanceof Unavailable) return skipped(`${down.reason} ${e.reason}`, e.hint);
    throw e;
  }
  const pgdata = await ctx.pgdata();
  const probe = await probeLabel(transport, pgdata);
  if (probe.dir !== 'ok') {
    return skipped(`${down.reason} ${pgdata} is ${probe.dir === 'missing' ? 'missing' : 'not accessible'} on ${transport.description}, so backup_label cannot be looked for.`);
  }
  const where = `${pgdata} on ${transport.description}`;
  if (!probe.label) return ok(`PostgreSQL is not reachable; no backup_label in ${where}.`);
  const about = describeLabel(probe);
  if (postmasterAlive(probe)) {
    return warning(
      `backup_label is in ${where}${about}, and a postmaster runs (PID ${probe.pid}) but Tidemark cannot connect, so whether an exclusive backup is in progress is unknown.`,
      down.hint ?? 'Fix the connection and run the checks again.',
    );
  }
  const stalePid = probe.pidFile ? ` postmaster.pid names PID ${probe.pid ?? '?'}, which is not a running postgres (the server crashed or was killed).` : '';
  return failed(
    `PostgreSQL is down and ${where} holds a backup_label${about}: an exclusive backup was interrupted.${stalePid}`,
    `If this server crashed or was stopped during a backup, move the file away before starting it: mv ${pgdata}/backup_label ${pgdata}/backup_label.old (as the postgres OS user). ` +
      'Otherwise PostgreSQL takes itself for a restored backup: it may refuse to start ("could not locate required checkpoint record") or recover from the wrong checkpoint. ' +
      'Leave the file in place only if this data directory really is a restored backup.',
  );
}

function describeLabel(p: LabelProbe): string {
  const label = parseBackupLabel(p.labelText ?? '').label;
  const start = /^START TIME: (.*)$/m.exec(p.labelText ?? '')?.[1];
  const parts = [label && `label "${label}"`, start ? `started ${start}` : p.labelMtime && `written ${new Date(p.labelMtime * 1000).toISOString()}`].filter(Boolean);
  return parts.length ? ` (${parts.join(', ')})` : '';
}
