import type { ServerConfig, ServerFacts, ServerTestReport } from '../../../shared/models/server';
import { TidemarkError } from '../errors';
import { queryServerFacts, type ServerFactsSnapshot } from '../pg/server-facts';
import { closePgSession, mapPgError, openPgSession, pgTargetFor } from '../pg/session';
import type { SecretStore } from '../secrets/secret-store';
import { openTransport } from '../transport/open-transport';

const TEST_TIMEOUT_MS = 10_000;

type SshFacts = NonNullable<ServerTestReport['ssh']>;

/**
 * servers:test — a real PostgreSQL session and, for SSH servers, a real SSH session running a
 * trivial command, in parallel and within about 10 s. Everything opened is closed before it
 * returns. When both fail, the PostgreSQL error is reported.
 */
export async function testServer(server: ServerConfig, secrets: SecretStore): Promise<ServerTestReport> {
  const started = Date.now();
  const deadline = started + TEST_TIMEOUT_MS;
  const [pgResult, sshResult] = await Promise.allSettled([
    testPostgres(server, secrets, deadline),
    server.transport.kind === 'ssh' ? testSsh(server, secrets, deadline) : Promise.resolve(undefined),
  ]);
  if (pgResult.status === 'rejected') throw pgResult.reason;
  if (sshResult.status === 'rejected') throw sshResult.reason;
  const facts = pgResult.value;
  return {
    version: facts.version,
    versionNum: facts.versionNum,
    role: facts.role,
    // Reading data_directory needs superuser or pg_read_all_settings; the configured PGDATA
    // is the next best answer.
    dataDirectory: facts.dataDirectory ?? server.pgdata ?? '',
    systemIdentifier: facts.systemIdentifier,
    timeline: facts.timeline,
    ...(sshResult.value && { ssh: sshResult.value }),
    durationMs: Date.now() - started,
  };
}

async function testPostgres(server: ServerConfig, secrets: SecretStore, deadline: number): Promise<ServerFactsSnapshot> {
  const target = await pgTargetFor(server, secrets);
  const client = await openPgSession(target, { connectTimeoutMs: remaining(deadline), applicationName: 'tidemark test' });
  try {
    return await withDeadline(queryServerFacts(client), deadline, `PostgreSQL at ${server.host}:${server.port}`);
  } catch (e) {
    throw mapPgError(e, target);
  } finally {
    await closePgSession(client, 500);
  }
}

async function testSsh(server: ServerConfig, secrets: SecretStore, deadline: number): Promise<SshFacts> {
  const transport = await openTransport(server, secrets, { timeoutMs: remaining(deadline) });
  try {
    const r = await transport.exec('id -un', { timeoutMs: remaining(deadline) });
    if (r.code !== 0)
      throw new TidemarkError('SSH_COMMAND', `"id -un" failed on ${transport.description} (exit code ${r.code ?? 'none'})`, {
        hint: r.stderr.trim() || undefined,
      });
    return { fingerprint: transport.hostKey!.fingerprint, keyType: transport.hostKey!.keyType, user: r.stdout.toString('utf8').trim() };
  } finally {
    await transport.close();
  }
}

const remaining = (deadline: number): number => Math.max(deadline - Date.now(), 1);

function withDeadline<T>(work: Promise<T>, deadline: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new TidemarkError('TIMEOUT', `${what} did not answer within ${TEST_TIMEOUT_MS / 1000} s`)),
      remaining(deadline),
    );
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** What a successful test teaches about a server, as stored on it. */
export function factsOf(report: ServerTestReport): ServerFacts {
  return {
    version: report.version,
    versionNum: report.versionNum,
    role: report.role,
    dataDirectory: report.dataDirectory,
    systemIdentifier: report.systemIdentifier,
    testedAt: new Date().toISOString(),
  };
}
