import type { ServerConfig } from '../../../shared/models/server';
import type { SecretStore } from '../secrets/secret-store';
import { connectSsh } from '../ssh/ssh-connect';
import { LocalTransport } from './local-transport';
import { SshTransport } from './ssh-transport';
import type { Transport } from './transport';

/**
 * The way to the server's files as configured: SSH with the accepted host key and the stored
 * passphrase, or this machine. Throws the TidemarkErrors of connectSsh().
 */
export async function openTransport(
  server: ServerConfig,
  secrets: SecretStore,
  opts: { timeoutMs?: number } = {},
): Promise<Transport> {
  const t = server.transport;
  if (t.kind === 'local') return new LocalTransport();
  const passphrase = t.auth === 'key' ? await secrets.get(server.id, 'passphrase') : undefined;
  const { client, hostKey } = await connectSsh({
    host: t.host,
    port: t.port,
    user: t.user,
    auth: t.auth,
    keyPath: t.keyPath,
    passphrase,
    knownHostKey: t.knownHostKey,
    timeoutMs: opts.timeoutMs,
  });
  return new SshTransport(client, `ssh ${t.user}@${t.host}:${t.port}`, hostKey);
}
