import type { ServerConfig } from '../../../shared/models/server';
import type { ErrorCode } from '../../../shared/result';
import { failed, ok, skipped, type Check, type CheckContext, type Outcome } from './check';
import { probePgdata, readControlSystemIdentifier, toolVersions } from './remote-probes';

const overSsh = (s: ServerConfig): boolean => s.transport.kind === 'ssh';
const sshTarget = (s: ServerConfig): string =>
  s.transport.kind === 'ssh' ? `${s.transport.user}@${s.transport.host}:${s.transport.port}` : 'local';

/** Which of the three SSH stages an opening error belongs to; later stages are skipped. */
type Stage = 'reach' | 'host-key' | 'login';
const STAGE_OF: Partial<Record<ErrorCode, Stage>> = {
  SSH_CONNECT: 'reach',
  TIMEOUT: 'reach',
  SSH_HOSTKEY_UNKNOWN: 'host-key',
  SSH_HOSTKEY_CHANGED: 'host-key',
  SSH_AUTH: 'login',
  SSH_KEY: 'login',
};
const ORDER: readonly Stage[] = ['reach', 'host-key', 'login'];

/** One SSH stage judged from how opening the shared transport went. */
function sshStage(stage: Stage, id: string, title: string, okDetail: (ctx: CheckContext) => Promise<string>): Check {
  return {
    id,
    title,
    critical: true,
    timeoutMs: 1000,
    needs: ['transport'],
    applies: overSsh,
    async run(ctx): Promise<Outcome> {
      const error = await ctx.transportError();
      if (!error) return ok(await okDetail(ctx));
      // A bad key file fails before any traffic: reaching the host was never tried.
      const failedAt = STAGE_OF[error.code] ?? 'login';
      if (failedAt === stage) return failed(error.message, error.hint);
      if (error.code === 'SSH_KEY') return skipped(`Not tried: ${error.message}`);
      return ORDER.indexOf(stage) < ORDER.indexOf(failedAt) ? ok(`Passed; the connection stopped later: ${error.message}`) : skipped(`Not reached: ${error.message}`);
    },
  };
}

export const sshReachableCheck = sshStage('reach', 'ssh-reachable', 'SSH reachable', async (ctx) => `sshd answers at ${sshTarget(ctx.server)}.`);

export const sshHostKeyCheck = sshStage('host-key', 'ssh-host-key', 'SSH host key', async (ctx) => {
  const key = (await ctx.transport()).hostKey;
  return key ? `The ${key.keyType} host key ${key.fingerprint} matches the one accepted.` : 'The host key matches the one accepted.';
});

export const sshLoginCheck = sshStage('login', 'ssh-login', 'SSH login', async (ctx) => `Logged in as ${sshTarget(ctx.server)}.`);

export const toolsCheck: Check = {
  id: 'tools',
  title: 'GNU tar and find',
  critical: true,
  timeoutMs: 3000,
  needs: ['transport'],
  async run(ctx) {
    const transport = await ctx.transport();
    const { tar, find, zstd } = await toolVersions(transport);
    const problems: string[] = [];
    if (tar === null) problems.push('tar is not installed');
    else if (!/GNU tar/.test(tar)) problems.push(`tar is "${tar}", not GNU tar`);
    if (find === null) problems.push('find is not installed');
    else if (!/GNU findutils/.test(find)) problems.push(`find is "${find}", not GNU find`);
    if (problems.length === 0) {
      // Optional: over SSH, zstd compresses the copy (settings.networkCompression).
      const zstdVersion = zstd && (/v\d[\d.]*\d/.exec(zstd)?.[0] ?? zstd);
      const compression = transport.kind !== 'ssh' ? '' : zstdVersion ? `; zstd ${zstdVersion} compresses the copy` : '; no zstd: the copy travels uncompressed';
      return ok(`${tar}; ${find}${compression} (on ${transport.description}).`);
    }
    return failed(
      `On ${transport.description}: ${problems.join('; ')}.`,
      'Tidemark lists the data directory with GNU find and streams it with GNU tar. Install them on the database host (Debian/Ubuntu: apt install tar findutils; RHEL: dnf install tar findutils; macOS: brew install gnu-tar findutils).',
    );
  },
};

export const pgdataReadableCheck: Check = {
  id: 'pgdata',
  title: 'PGDATA readable',
  critical: true,
  timeoutMs: 3000,
  needs: ['transport', 'pg'],
  async run(ctx) {
    const [transport, pgdata] = await Promise.all([ctx.transport(), ctx.pgdata()]);
    const access = await probePgdata(transport, pgdata);
    const as = access.user ? ` as ${access.user}` : '';
    const on = `on ${transport.description}${as}`;
    switch (access.state) {
      case 'missing':
        return failed(
          `${pgdata} does not exist ${on}.`,
          `Set the server's data directory to PGDATA as the ${transport.kind === 'ssh' ? 'SSH' : 'local'} user sees it (SHOW data_directory on the server).`,
        );
      case 'denied':
      case 'no-pg-control':
        return failed(
          `${access.state === 'denied' ? pgdata : `${pgdata}/global/pg_control`} is not readable ${on}.`,
          `Connect as the OS user that runs PostgreSQL (usually postgres), or make ${access.user || 'that user'} a member of its group with group read access (initdb --allow-group-access).`,
        );
    }
    const facts = await ctx.facts().catch(() => undefined);
    const major = facts ? String(Math.floor(facts.versionNum / 10000)) : undefined;
    if (major && facts!.versionNum >= 100000 && access.pgVersion && access.pgVersion !== major) {
      return failed(
        `${pgdata} holds a PostgreSQL ${access.pgVersion} data directory, but the server runs PostgreSQL ${major}.`,
        "That is not this server's data directory: fix the data directory or the SSH host in the server's settings.",
      );
    }
    return ok(`${pgdata} is readable ${on} (PG_VERSION ${access.pgVersion || 'unknown'}).`);
  },
};

export const systemIdentifierCheck: Check = {
  id: 'system-identifier',
  title: 'Same cluster over SSH',
  critical: true,
  timeoutMs: 3000,
  needs: ['transport', 'pg'],
  async run(ctx) {
    const [transport, pgdata, facts] = await Promise.all([ctx.transport(), ctx.pgdata(), ctx.facts()]);
    const fromFile = await readControlSystemIdentifier(transport, pgdata);
    // pg_control_system() shows the unsigned identifier as a signed bigint.
    const fromSql = BigInt.asUintN(64, BigInt(facts.systemIdentifier)).toString();
    if (fromFile === fromSql) {
      return ok(`${pgdata}/global/pg_control on ${transport.description} belongs to the connected cluster (system identifier ${fromSql}).`);
    }
    const { server } = ctx;
    return failed(
      `${pgdata}/global/pg_control on ${transport.description} belongs to cluster ${fromFile}, but PostgreSQL at ${server.host}:${server.port} is cluster ${fromSql}.`,
      "The files Tidemark would copy are not those of the server it talks to. Point the SSH host and the data directory at the machine and PGDATA of this PostgreSQL server.",
    );
  },
};
