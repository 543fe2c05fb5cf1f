import { randomUUID } from 'node:crypto';
import type { ServerConfig, TransportConfig } from '../../shared/models/server';
import type { LabCluster } from './cluster';
import type { Lab } from './lab';
import type { LabSshdInfo } from './sshd';

/** The lab's sshd as a Tidemark SSH transport, its host key accepted unless `trusted: false`. */
export function labSshTransport(ssh: LabSshdInfo, opts: { trusted?: boolean } = {}): Extract<TransportConfig, { kind: 'ssh' }> {
  return {
    kind: 'ssh',
    host: ssh.host,
    port: ssh.port,
    user: ssh.user,
    auth: 'key',
    keyPath: ssh.clientKeyPath,
    ...(opts.trusted !== false && {
      knownHostKey: { fingerprint: ssh.hostKeyFingerprint, keyType: ssh.hostPublicKey.split(' ')[0], acceptedAt: new Date().toISOString() },
    }),
  };
}

/** A ServerConfig for a lab cluster, its files reached over the lab's sshd (host key accepted). */
export function labServer(lab: Lab, cluster: LabCluster, extra: Partial<ServerConfig> = {}): ServerConfig {
  return {
    id: `srv-${randomUUID().slice(0, 8)}`,
    name: cluster.name,
    host: cluster.host,
    port: cluster.port,
    user: cluster.superuser,
    database: 'postgres',
    sslMode: 'disable',
    transport: labSshTransport(lab.ssh!),
    ...extra,
  };
}
