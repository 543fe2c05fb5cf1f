import type { BackupRecord } from '../../../shared/models/backup';
import { failed, formatAge, ok, warning, type Check } from './check';

const isDone = (b: BackupRecord): boolean => b.status === 'DONE';
const endOf = (b: BackupRecord): string => b.endedAt ?? b.startedAt;
/** Identifiers compare as unsigned 64-bit numbers, whatever their text form. */
const sameId = (a: string, b: string): boolean => {
  try {
    return BigInt.asUintN(64, BigInt(a)) === BigInt.asUintN(64, BigInt(b));
  } catch {
    return a === b;
  }
};

export const catalogSystemIdCheck: Check = {
  id: 'catalog-system-id',
  title: 'Same cluster as previous backups',
  critical: true,
  timeoutMs: 3000,
  needs: ['pg'],
  async run(ctx) {
    const [backups, facts] = await Promise.all([ctx.backups(), ctx.facts()]);
    const done = backups.filter(isDone);
    if (done.length === 0) return ok('No previous backup to compare with.');
    const others = done.filter((b) => !sameId(b.systemIdentifier, facts.systemIdentifier));
    if (others.length === 0) {
      return ok(`The ${done.length} previous backup${done.length > 1 ? 's come' : ' comes'} from this cluster (system identifier ${facts.systemIdentifier}).`);
    }
    const ids = [...new Set(others.map((b) => b.systemIdentifier))].join(', ');
    const latest = others[others.length - 1];
    const { server } = ctx;
    return failed(
      `${others.length} of the ${done.length} previous backups of this server come from another cluster (system identifier ${ids}; latest ${latest.id}), ` +
        `but PostgreSQL at ${server.host}:${server.port} is cluster ${facts.systemIdentifier}.`,
      'This server entry now points at a different cluster: another host, a re-created cluster, or a failover to a server that was not a replica of the old one. ' +
        'If that is intended, add it as a new server so its backups stay apart from the old ones; otherwise fix the host and port.',
    );
  },
};

export const backupAgeCheck: Check = {
  id: 'backup-age',
  title: 'Last backup age',
  critical: false,
  timeoutMs: 3000,
  needs: [],
  async run(ctx) {
    const maxHours = ctx.server.maxBackupAgeHours ?? ctx.settings.defaultMaxBackupAgeHours;
    const done = (await ctx.backups()).filter(isDone);
    if (done.length === 0) return warning('No successful backup of this server yet.', 'Take a backup now.');
    const last = done.reduce((a, b) => (endOf(b) > endOf(a) ? b : a));
    const ageMs = Date.now() - Date.parse(endOf(last));
    const facts = `The last successful backup (${last.id}) ended ${endOf(last)}, ${formatAge(ageMs)} ago; the maximum age is ${maxHours} h.`;
    if (ageMs <= maxHours * 3_600_000) return ok(facts);
    return warning(facts, 'Take a backup now, and look at why the scheduled ones did not run or failed.');
  },
};

export const failedBackupsCheck: Check = {
  id: 'failed-backups',
  title: 'Failed backups',
  critical: false,
  timeoutMs: 3000,
  needs: [],
  async run(ctx) {
    const backups = await ctx.backups();
    const lastGood = backups.filter(isDone).reduce<string>((t, b) => (b.startedAt > t ? b.startedAt : t), '');
    const failures = backups.filter((b) => b.status === 'FAILED' && b.startedAt > lastGood);
    if (failures.length === 0) return ok(lastGood ? 'No failed backup since the last successful one.' : 'No failed backup.');
    const latest = failures.reduce((a, b) => (b.startedAt > a.startedAt ? b : a));
    const since = lastGood ? 'since the last successful one' : 'and no successful one yet';
    return warning(
      `${failures.length} failed backup${failures.length > 1 ? 's' : ''} ${since}; the latest (${latest.id}, ${latest.startedAt}): ${latest.error?.message ?? 'no error recorded'}`,
      latest.error?.hint ?? "Open that backup in the history to read its log.",
    );
  },
};

export const minimumBackupsCheck: Check = {
  id: 'minimum-backups',
  title: 'Minimum number of backups',
  critical: false,
  timeoutMs: 3000,
  needs: [],
  async run(ctx) {
    const min = ctx.server.minBackups ?? 0;
    const count = (await ctx.backups()).filter(isDone).length;
    if (min <= 0) return ok(`${count} successful backup${count === 1 ? '' : 's'}; no minimum set for this server.`);
    if (count >= min) return ok(`${count} successful backup${count === 1 ? '' : 's'} (minimum ${min}).`);
    return warning(
      `Only ${count} successful backup${count === 1 ? '' : 's'} in the catalog; the minimum for this server is ${min}.`,
      'Take backups until the minimum is reached, and do not delete old ones until then.',
    );
  },
};
