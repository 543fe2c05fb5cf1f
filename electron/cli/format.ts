import type { BackupRecord } from '../../shared/models/backup';
import type { JobProgress } from '../../shared/models/job';
import type { ServerTestReport, ServerView } from '../../shared/models/server';
import type { AppError } from '../../shared/result';
import { formatBytes as bytes, formatDuration as duration, formatWire } from '../../shared/format';

/** A table with left-aligned columns. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: readonly string[]): string => r.map((c, i) => (c ?? '').padEnd(widths[i])).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

export function serversTable(servers: readonly ServerView[]): string {
  if (servers.length === 0) return 'No servers yet. Add one in the app, or write the settings file (see README).';
  return table(
    ['NAME', 'POSTGRES', 'TRANSPORT', 'VERSION', 'ROLE', 'MODE'],
    servers.map((s) => [
      s.name,
      `${s.user}@${s.host}:${s.port}/${s.database}`,
      s.transport.kind === 'ssh' ? `ssh ${s.transport.user}@${s.transport.host}:${s.transport.port}` : 'local',
      s.facts ? s.facts.version : '-',
      s.facts ? s.facts.role : '-',
      s.mode ?? 'default',
    ]),
  );
}

export function testReport(name: string, r: ServerTestReport): string {
  const lines = [
    `${name}: OK (${r.durationMs} ms)`,
    `  version            ${r.version}`,
    `  role               ${r.role}`,
    `  data directory     ${r.dataDirectory}`,
    `  system identifier  ${r.systemIdentifier}`,
    `  timeline           ${r.timeline}`,
  ];
  if (r.ssh) lines.push(`  ssh host key       ${r.ssh.keyType} ${r.ssh.fingerprint}`, `  ssh user           ${r.ssh.user}`);
  return lines.join('\n');
}

export function errorText(e: AppError): string {
  return `error: ${e.message}${e.hint ? `\nhint: ${e.hint}` : ''}`;
}

export function progressLine(p: JobProgress): string {
  const pct = p.bytesTotal > 0 ? Math.min(100, Math.floor((100 * p.bytesDone) / p.bytesTotal)) : 0;
  const parts = [p.phase.padEnd(8)];
  if (p.phase === 'copy' || p.bytesDone > 0) {
    parts.push(`${String(pct).padStart(3)}%`, `${bytes(p.bytesDone)}/${bytes(p.bytesTotal)}`, `${bytes(p.rateBytesPerSec)}/s`);
    parts.push(`files ${p.filesDone}/${p.filesTotal}`);
    if (p.etaSeconds !== null) parts.push(`ETA ${duration(p.etaSeconds)}`);
  }
  if (p.currentFile) parts.push(p.currentFile);
  return parts.join('  ');
}

export function backupSummary(b: BackupRecord, path?: string): string {
  const secs = b.copy?.seconds ?? 0;
  const lines = [
    `backup ${b.id}: ${b.status}${b.error ? ` — ${b.error.message}` : ''}`,
    `  server       ${b.serverName} (${b.sourceRole}, PostgreSQL ${b.pgVersion})`,
    `  mode         ${b.mode}`,
    `  size         ${bytes(b.sizeBytes)} in ${b.fileCount} files${b.walFileCount !== undefined ? `, ${b.walFileCount} WAL segments` : ''}`,
  ];
  if (b.startLsn) lines.push(`  WAL          ${b.startLsn} (${b.startWal ?? '?'}) → ${b.stopLsn ?? '?'} (${b.stopWal ?? '?'}), timeline ${b.timeline ?? '?'}`);
  if (b.copy) {
    const wire = formatWire(b.copy);
    lines.push(`  copy         ${duration(secs)}, ${bytes(b.copy.throughputBytesPerSec)}/s${wire ? `; ${wire}` : ''}`);
  }
  if (b.error?.hint) lines.push(`  hint         ${b.error.hint}`);
  if (path) lines.push(`  folder       ${path}`);
  return lines.join('\n');
}

export function backupsTable(list: readonly BackupRecord[]): string {
  if (list.length === 0) return 'No backups yet.';
  return table(
    ['ID', 'STARTED', 'DURATION', 'MODE', 'SOURCE', 'SIZE', 'WAL', 'STATUS'],
    list.map((b) => [
      b.id,
      b.startedAt.replace('T', ' ').replace(/\.\d+Z$/, 'Z'),
      b.endedAt ? duration((Date.parse(b.endedAt) - Date.parse(b.startedAt)) / 1000) : '-',
      b.mode,
      b.sourceRole,
      bytes(b.sizeBytes),
      b.startWal ? `${b.startWal}..${b.stopWal ?? '?'}` : '-',
      b.status + (b.error ? `: ${b.error.message}` : ''),
    ]),
  );
}
