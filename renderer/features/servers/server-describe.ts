import type { ServerView } from '../../../shared/models/server';

/** `user@host:port/database`, the way DBAs write a connection. */
export const describeConnection = (s: ServerView): string => `${s.user}@${s.host}:${s.port}/${s.database}`;

export const describeTransport = (s: ServerView): string =>
  s.transport.kind === 'ssh' ? `SSH ${s.transport.user}@${s.transport.host}:${s.transport.port}` : 'Local files';

/** The major version (`17`, `9.6`) from server_version_num. */
export function majorVersion(versionNum: number): string {
  return versionNum >= 100000 ? String(Math.floor(versionNum / 10000)) : `${Math.floor(versionNum / 10000)}.${Math.floor(versionNum / 100) % 100}`;
}

export function formatWhen(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}
