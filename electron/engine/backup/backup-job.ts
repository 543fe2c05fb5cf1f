import { createWriteStream } from 'node:fs';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BackupRecord, TablespaceRecord } from '../../../shared/models/backup';
import type { BackupMode, ServerConfig } from '../../../shared/models/server';
import type { EngineContext } from '../context';
import { TidemarkError, toAppError } from '../errors';
import type { Job } from '../jobs/job-registry';
import { pgTargetFor, type PgTarget } from '../pg/session';
import { queryServerFacts } from '../pg/server-facts';
import { openTransport } from '../transport/open-transport';
import type { Transport } from '../transport/transport';
import { backupLabel, slotName } from './backup-id';
import { parseBackupLabel } from './backup-label';
import { BackupSession, stopExclusiveBackupElsewhere } from './backup-session';
import { backupDataDir, backupDir, LOG_FILE, writeBackupRecord } from './catalog';
import { copyDataDir, type CopyProgress } from './copy-controller';
import { chooseWireCompression } from './remote-read';
import { listDataDir } from './file-list';
import { fsyncPaths, fsyncTree } from './fsync-tree';
import { mapFsError } from './fs-errors';
import { renderManifest, type ManifestFile } from './manifest';
import { chooseStrategy, type BackupStrategy } from './strategy';
import { collectWal } from './wal-collector';
import { checksumOf, crc32cImplementation, type ChecksumAlgorithm } from './checksum';
import { formatBytes } from '../../../shared/format';

export type BackupGate = (server: ServerConfig, mode: BackupMode) => Promise<void>;

export interface BackupJobOptions {
  readonly ctx: EngineContext;
  readonly server: ServerConfig;
  readonly job: Job;
  readonly root: string;
  readonly gate?: BackupGate;
  readonly onFileCopied?: (path: string) => void | Promise<void>;
}

/**
 * The job runner for one backup: connect, gate, start, copy, stop, WAL, manifest. It owns the
 * record's status transitions and the cleanup; strategy, copy and WAL live in their own modules.
 */
export async function runBackupJob(o: BackupJobOptions): Promise<BackupRecord> {
  const { ctx, server, job, root } = o;
  const settings = ctx.settings();
  const dest = backupDataDir(root, server.id, job.backupId);
  let record: BackupRecord = {
    id: job.backupId,
    label: backupLabel(job.backupId),
    serverId: server.id,
    serverName: server.name,
    mode: job.mode,
    sourceRole: server.facts?.role ?? 'primary',
    pgVersion: server.facts?.version ?? '',
    pgVersionNum: server.facts?.versionNum ?? 0,
    systemIdentifier: server.facts?.systemIdentifier ?? '',
    startedAt: job.startedAt,
    sizeBytes: 0,
    fileCount: 0,
    tablespaces: [],
    status: 'STARTED',
  };
  // The record is written in order, each write atomic (temp file, rename, fsync: 3-20 ms here).
  // The job waits for the first and the last; the ones between are written while it goes on
  // (note() starts one), and the last, written after them, supersedes any that failed.
  let saving: Promise<void> = Promise.resolve();
  const save = (patch: Partial<BackupRecord>): Promise<void> => {
    record = { ...record, ...patch };
    const snapshot = record;
    saving = saving.catch(() => {}).then(() => writeBackupRecord(root, snapshot));
    return saving;
  };
  const note = (patch: Partial<BackupRecord>): void => void save(patch).catch(() => {});
  await save({});
  const logFile = createWriteStream(join(backupDir(root, server.id, job.backupId), LOG_FILE), { flags: 'a' });
  logFile.on('error', () => {}); // a log that cannot be written must not fail the backup
  job.onLog((l) => logFile.write(`${l.at} ${l.level.toUpperCase()} ${l.message}\n`));
  const info = (m: string): void => job.log('info', m);

  let target: PgTarget | undefined;
  let session: BackupSession | undefined;
  let strategy: BackupStrategy | undefined;
  let startedOnServer = false;
  const transports: Transport[] = [];
  let closing: Promise<unknown> = Promise.resolve();
  try {
    job.phase('connect');
    target = await pgTargetFor(server, ctx.secrets);
    // SSH and PostgreSQL connect at the same time; a failure of either is reported as before,
    // the transport's first, and whatever did connect is closed by the cleanup below.
    const [ssh, pgSession] = await Promise.allSettled([openTransport(server, ctx.secrets), BackupSession.open(target, (e) => job.controller.abort(e))]);
    if (ssh.status === 'fulfilled') transports.push(ssh.value);
    if (pgSession.status === 'fulfilled') session = pgSession.value;
    if (ssh.status === 'rejected') throw ssh.reason;
    info(`Connected to the database host over ${transports[0].description}`);
    // Whether the host has zstd is asked now, while PostgreSQL starts the backup: one SSH round
    // trip fewer before the copy. It never rejects (no zstd, or no answer, means no compression).
    const wireChoice = chooseWireCompression(transports[0], settings.networkCompression, job.signal);
    if (pgSession.status === 'rejected') throw pgSession.reason;
    session = pgSession.value;
    const facts = await queryServerFacts(session.client);
    note({ sourceRole: facts.role, pgVersion: facts.version, pgVersionNum: facts.versionNum, systemIdentifier: facts.systemIdentifier, timeline: facts.timeline });
    info(`PostgreSQL ${facts.version}, ${facts.role}, system ${facts.systemIdentifier}`);
    strategy = chooseStrategy(facts, job.mode);
    const pgdata = server.pgdata ?? facts.dataDirectory;
    if (!pgdata) {
      throw new TidemarkError('VALIDATION', 'The data directory is unknown: this role may not read data_directory', {
        field: 'pgdata',
        hint: 'Set the data directory in the server settings, or GRANT pg_read_all_settings TO the backup role.',
      });
    }
    void ctx.updateFacts(server.id, { version: facts.version, versionNum: facts.versionNum, role: facts.role, dataDirectory: facts.dataDirectory ?? pgdata, systemIdentifier: facts.systemIdentifier, testedAt: new Date().toISOString() }).catch(() => {});

    job.phase('checks');
    if (o.gate) await o.gate(server, job.mode);
    throwIfAborted(job.signal);

    job.phase('start');
    const segmentSize = await session.walSegmentSize();
    await session.reserveWal(slotName(job.backupId));
    info(`Temporary replication slot ${slotName(job.backupId)} reserves WAL (segments of ${segmentSize / 1048576} MB)`);
    startedOnServer = true;
    const starting = strategy.start(session.client, record.label, settings.fastCheckpoint);
    // The checksum module takes tens of milliseconds to load: while the server checkpoints, not
    // in the middle of the copy.
    if (settings.manifestChecksums === 'CRC32C') info(`Checksums: CRC32C by ${crc32cImplementation().name}`);
    const { startLsn } = await starting;
    info(`${strategy.mode === 'exclusive' ? 'Exclusive' : 'Concurrent'} backup started at ${startLsn}`);
    note({ status: 'COPYING', startLsn });
    throwIfAborted(job.signal);

    job.phase('copy');
    const [listing, wire] = await Promise.all([
      listDataDir(transports[0], pgdata, strategy.mode, job.signal),
      wireChoice,
    ]);
    const compression = wire.compression;
    info(wire.reason);
    job.update({ bytesTotal: listing.totalBytes, filesTotal: listing.files.length, bytesDone: 0, filesDone: 0 });
    const parallel = Math.max(1, Math.min(settings.parallel || 1, 8));
    info(`Copying ${listing.files.length} files, ${formatBytes(listing.totalBytes)}, with ${parallel} stream(s)`);
    if (server.transport.kind === 'ssh') {
      // One SSH connection per stream: the database host then encrypts on several cores.
      const more = await Promise.all(Array.from({ length: parallel - 1 }, () => openTransport(server, ctx.secrets)));
      transports.push(...more);
    }
    const progress: CopyProgress = { bytesDone: 0, filesDone: 0, currentFile: null };
    const checksums = settings.manifestChecksums;
    const tick = setInterval(() => job.update({ ...progress }), 200);
    let copy;
    try {
      copy = await copyDataDir({ transports, pgdata, dest, listing, parallel, checksums, compression, signal: job.signal, progress, onFileCopied: o.onFileCopied });
    } finally {
      clearInterval(tick);
      job.update({ ...progress });
    }
    // The copy's extra connections close while the backup stops.
    closing = Promise.all(transports.splice(1).map((t) => t.close().catch(() => {})));
    if (copy.splitFiles) info(`${copy.splitFiles} big file(s) were copied in byte ranges spread over the streams`);
    if (copy.wholeFiles) info(`${copy.wholeFiles} big file(s) were read whole by zstd on the database host`);
    if (copy.warnings.length) {
      const shown = copy.warnings.slice(0, 3).join('; ');
      info(`${copy.warnings.length} file(s) changed while read, as expected on a live server (WAL replay repairs them): ${shown}${copy.warnings.length > 3 ? ' …' : ''}`);
    }
    if (copy.vanished.length) info(`${copy.vanished.length} file(s) vanished during the copy (dropped relations; WAL replay covers them)`);
    const sent = compression === 'none' ? '' : `; ${formatBytes(copy.wireBytes)} crossed the network (${(copy.bytes / Math.max(copy.wireBytes, 1)).toFixed(1)}:1)`;
    info(`Copied ${copy.files.length} files, ${formatBytes(copy.bytes)} in ${copy.seconds.toFixed(1)} s (${formatBytes(copy.bytes / Math.max(copy.seconds, 0.001))}/s)${sent}`);

    job.phase('stop');
    throwIfAborted(job.signal);
    // The copy becomes durable while the server ends the backup: the stop's own WAL flush waits
    // for the same disk cache flush, so doing one after the other would pay for it twice.
    const copyDurable = fsyncTree(dest).catch((e) => Promise.reject(mapFsError(e, dest)));
    copyDurable.catch(() => {}); // awaited below; a failing stop must not leave it unhandled
    const stop = await strategy.stop(session.client);
    startedOnServer = false;
    info(`Backup stopped at ${stop.stopLsn}`);
    note({ status: 'FINALIZING', stopLsn: stop.stopLsn });
    const files: ManifestFile[] = [...copy.files];
    let labelText = stop.labelFile;
    if (labelText !== undefined) files.push(await writeSmallFile(dest, 'backup_label', labelText, checksums));
    else labelText = await readFile(join(dest, 'backup_label'), 'utf8').catch(() => undefined);
    if (stop.tablespaceMap) files.push(await writeSmallFile(dest, 'tablespace_map', stop.tablespaceMap, checksums));
    const label = parseBackupLabel(labelText ?? '');
    if (!label.startLsn || !label.timeline) throw new TidemarkError('BACKUP_FAILED', 'The backup_label of this backup cannot be read (no START WAL LOCATION)');

    job.phase('wal');
    const wal = await collectWal({
      transport: transports[0], pgdata, dest, timeline: label.timeline, startLsn: label.startLsn, stopLsn: stop.stopLsn,
      segmentSize, role: facts.role, signal: job.signal, compression, onBytes: () => {}, log: info,
    });
    info(`Copied ${wal.segments.length} WAL segment(s) ${wal.segments[0]} … ${wal.segments[wal.segments.length - 1]}`);
    await session.close(); // drops the temporary slot

    job.phase('manifest');
    const manifest = renderManifest(
      [...files].sort((a, b) => (a.path < b.path ? -1 : 1)),
      [{ timeline: label.timeline, startLsn: label.startLsn, endLsn: stop.stopLsn }],
      checksums,
    );
    await writeFile(join(dest, 'backup_manifest'), manifest, { mode: 0o600 }).catch((e) => Promise.reject(mapFsError(e, dest)));
    await copyDurable;
    // What was written after that pass: the label files, the WAL and the manifest.
    const walDir = join(dest, 'pg_wal');
    const late = [...files.filter((f) => f.path === 'backup_label' || f.path === 'tablespace_map').map((f) => join(dest, f.path)), join(dest, 'backup_manifest')];
    await readdir(walDir)
      .then((names) => fsyncPaths([...late, ...names.map((n) => join(walDir, n))], [walDir, dest]))
      .catch((e) => Promise.reject(mapFsError(e, dest)));
    const tablespaces: TablespaceRecord[] = listing.tablespaces.map((t) => ({
      oid: t.oid,
      location: t.location,
      backupPath: `data/pg_tblspc/${t.oid}`,
      sizeBytes: files.filter((f) => f.path.startsWith(`pg_tblspc/${t.oid}/`)).reduce((n, f) => n + f.size, 0),
    }));
    const size = files.reduce((n, f) => n + f.size, 0) + wal.segments.length * segmentSize;
    await save({
      status: 'DONE',
      timeline: label.timeline,
      startLsn: label.startLsn,
      startWal: wal.segments[0],
      stopWal: wal.segments[wal.segments.length - 1],
      endedAt: new Date().toISOString(),
      sizeBytes: size,
      fileCount: files.length,
      walFileCount: wal.segments.length,
      tablespaces,
      copy: {
        bytes: copy.bytes,
        seconds: copy.seconds,
        throughputBytesPerSec: Math.round(copy.bytes / Math.max(copy.seconds, 0.001)),
        compression,
        wireBytes: copy.wireBytes,
      },
    });
    job.phase('done');
    info(`Backup ${job.backupId} is complete: ${formatBytes(size)}`);
    return record;
  } catch (e) {
    const cancelled = job.signal.aborted && isCancel(job.signal.reason);
    const err = cancelled ? new TidemarkError('CANCELLED', 'The backup was cancelled') : asError(job.signal.aborted ? job.signal.reason : e, session);
    job.log(cancelled ? 'warn' : 'error', err.message);
    const cleanup = await endOnServer({ session, strategy, target, startedOnServer, log: (l, m) => job.log(l, m) });
    for (const t of transports) await t.close().catch(() => {});
    transports.length = 0;
    await rm(dest, { recursive: true, force: true }).catch(() => {});
    const error = cleanup ? { ...err.toAppError(), hint: [err.hint, cleanup].filter(Boolean).join(' ') } : err.toAppError();
    await save({ status: cancelled ? 'CANCELLED' : 'FAILED', endedAt: new Date().toISOString(), error }).catch(() => {});
    return record;
  } finally {
    await closing;
    for (const t of transports) await t.close().catch(() => {});
    await session?.close();
    await new Promise<void>((r) => logFile.end(r));
  }
}

/** Leaves no backup running on the server; returns what the DBA must do if that failed. */
async function endOnServer(a: {
  session?: BackupSession;
  strategy?: BackupStrategy;
  target?: PgTarget;
  startedOnServer: boolean;
  log: (level: 'info' | 'warn' | 'error', m: string) => void;
}): Promise<string | null> {
  if (!a.startedOnServer || !a.strategy) {
    await a.session?.close();
    return null;
  }
  if (!a.strategy.abortSql) {
    // A non-exclusive backup ends with its session (and the temporary slot goes with it).
    await a.session?.close();
    a.log('info', 'The backup session was closed: the server has ended the backup and dropped the slot');
    return null;
  }
  try {
    if (a.session?.alive) {
      await a.session.query(a.strategy.abortSql);
      a.log('info', 'The exclusive backup was stopped on the server');
    } else if (a.target) {
      const r = await stopExclusiveBackupElsewhere(a.target, a.strategy.abortSql);
      a.log('info', r === 'stopped' ? 'The exclusive backup was stopped on the server from a new session' : 'No exclusive backup was left running on the server');
    }
    await a.session?.close();
    return null;
  } catch (e) {
    await a.session?.close();
    const msg = `The exclusive backup could not be stopped on the server (${toAppError(e).message}). Run SELECT pg_stop_backup(); as a superuser on the server, or remove backup_label from the data directory before the next restart.`;
    a.log('error', msg);
    return msg;
  }
}

async function writeSmallFile(dest: string, name: string, text: string, checksums: ChecksumAlgorithm): Promise<ManifestFile> {
  const path = join(dest, name);
  const buf = Buffer.from(text, 'utf8');
  await writeFile(path, buf, { mode: 0o600 }).catch((e) => Promise.reject(mapFsError(e, path)));
  return { path: name, size: buf.length, mtime: Math.floor(Date.now() / 1000), checksum: checksumOf(checksums, buf) };
}

export class CancelReason extends Error {}
const isCancel = (r: unknown): boolean => r instanceof CancelReason;

function asError(e: unknown, session?: BackupSession): TidemarkError {
  if (e instanceof TidemarkError) {
    // A copy that broke because the backend was terminated reports the session, the real cause.
    return session?.lostError && e.code !== 'DISK_FULL' ? session.lostError : e;
  }
  if (session?.lostError) return session.lostError;
  return new TidemarkError('BACKUP_FAILED', e instanceof Error ? e.message : String(e), { cause: e });
}

function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw signal.reason;
}
