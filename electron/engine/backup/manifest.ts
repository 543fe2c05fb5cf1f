import { createHash } from 'node:crypto';
import type { ChecksumAlgorithm } from './checksum';

/** One file of the backup as backup_manifest describes it. */
export interface ManifestFile {
  /** Relative to the data directory, forward slashes. */
  readonly path: string;
  readonly size: number;
  /** Seconds since the epoch. */
  readonly mtime: number;
  /** Hex checksum of the content as written, in the backup's algorithm. */
  readonly checksum: string;
}

export interface WalRange {
  readonly timeline: number;
  readonly startLsn: string;
  readonly endLsn: string;
}

/** "YYYY-MM-DD HH:MM:SS GMT", PostgreSQL's Last-Modified format. */
export function manifestTime(epochSeconds: number): string {
  return `${new Date(Math.floor(epochSeconds) * 1000).toISOString().slice(0, 19).replace('T', ' ')} GMT`;
}

/**
 * backup_manifest text, byte for byte the layout PostgreSQL's backup_manifest.c writes (version 1,
 * which every pg_verifybackup from 13 on reads). Manifest-Checksum covers everything up to and
 * including the newline before its own line.
 */
export function renderManifest(files: readonly ManifestFile[], walRanges: readonly WalRange[], algorithm: ChecksumAlgorithm): string {
  let body = '{ "PostgreSQL-Backup-Manifest-Version": 1,\n"Files": [';
  files.forEach((f, i) => {
    body += i === 0 ? '\n' : ',\n';
    body +=
      `{ "Path": ${JSON.stringify(f.path)}, "Size": ${f.size}, "Last-Modified": "${manifestTime(f.mtime)}", ` +
      `"Checksum-Algorithm": "${algorithm}", "Checksum": "${f.checksum}" }`;
  });
  body += '\n],\n"WAL-Ranges": [';
  walRanges.forEach((w, i) => {
    body += i === 0 ? '\n' : ',\n';
    body += `{ "Timeline": ${w.timeline}, "Start-LSN": "${w.startLsn}", "End-LSN": "${w.endLsn}" }`;
  });
  body += '\n],\n';
  const checksum = createHash('sha256').update(body, 'utf8').digest('hex');
  return `${body}"Manifest-Checksum": "${checksum}"}\n`;
}
