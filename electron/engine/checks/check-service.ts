import type pg from 'pg';
import type { CheckResult } from '../../../shared/models/check';
import type { BackupMode, ServerConfig } from '../../../shared/models/server';
import type { EngineContext } from '../context';
import { TidemarkError } from '../errors';
import { openPgSession, pgTargetFor } from '../pg/session';
import { ALL_CHECKS } from './all-checks';
import type { Check, RunningJob } from './check';
import { openCheckContext, serialized, type OpenCheckContext } from './check-context';
import { runChecks } from './run-checks';

export interface CheckService {
  /** Runs every check for a server; `mode` defaults to the server's, then the global default. */
  run(serverId: string, mode?: BackupMode): Promise<CheckResult[]>;
  /** Runs the remedy of a check's action (the user confirmed it), then the checks again. */
  fix(serverId: string, checkId: string, actionId: string): Promise<CheckResult[]>;
  /** The pre-backup gate: throws CHECKS_FAILED naming every failed critical check. */
  gate(server: ServerConfig, mode: BackupMode): Promise<void>;
}

export interface CheckServiceDeps {
  /** The Tidemark backup currently running for a server, if any. */
  runningJob(serverId: string): RunningJob | undefined;
  /** The checks to run (tests narrow them); default: all. */
  readonly checks?: readonly Check[];
}

// Session and transport open in parallel within this bound, and each check then has at most
// 4 s: against a dead or silent host a whole run answers in under 10 s.
const CONNECT_TIMEOUT_MS = 5000;
const STATEMENT_TIMEOUT_MS = 3000;

export function createCheckService(engine: EngineContext, deps: CheckServiceDeps): CheckService {
  const checks = deps.checks ?? ALL_CHECKS;

  async function runFor(server: ServerConfig, mode: BackupMode, runningJob: RunningJob | undefined): Promise<CheckResult[]> {
    const ctx = openCheckContext({
      server,
      settings: engine.settings(),
      mode,
      runningJob,
      secrets: engine.secrets,
      connectTimeoutMs: CONNECT_TIMEOUT_MS,
      statementTimeoutMs: STATEMENT_TIMEOUT_MS,
    });
    try {
      const results = await runChecks(checks, ctx);
      await rememberFacts(engine, server, ctx);
      return results;
    } finally {
      // Closing is bounded but not awaited: a peer that stopped answering must not delay the answer.
      void ctx.close();
    }
  }

  const modeOf = (server: ServerConfig, mode?: BackupMode): BackupMode => mode ?? server.mode ?? engine.settings().defaultMode;

  return {
    run: async (serverId, mode) => {
      const server = engine.server(serverId);
      return runFor(server, modeOf(server, mode), deps.runningJob(server.id));
    },

    async fix(serverId, checkId, actionId) {
      const server = engine.server(serverId);
      // The CLI may name the action alone (`--fix stop-leftover-backup`).
      const check =
        checks.find((c) => c.id === checkId && c.fix) ?? checks.find((c) => c.fix && c.actionIds?.includes(actionId));
      if (!check?.fix) throw new TidemarkError('NOT_FOUND', `The check "${checkId}" has no action "${actionId}".`);
      // …or the check alone, when it has a single action.
      const action = actionId === check.id && check.actionIds?.length === 1 ? check.actionIds[0] : actionId;
      let client: pg.Client | undefined;
      try {
        await check.fix(action, {
          server,
          runningJob: deps.runningJob(server.id),
          pg: async () =>
            serialized(
              (client ??= await openPgSession(await pgTargetFor(server, engine.secrets), {
                connectTimeoutMs: CONNECT_TIMEOUT_MS,
                applicationName: 'tidemark checks',
              })),
            ),
        });
      } finally {
        await client?.end().catch(() => {});
      }
      return runFor(server, modeOf(server), deps.runningJob(server.id));
    },

    async gate(server, mode) {
      // The job asking is already registered but has started nothing on the server yet: were it
      // counted, a leftover exclusive backup would pass for its own.
      const results = await runFor(server, mode, undefined);
      const refused = results.filter((r) => r.critical && r.status === 'failed');
      if (refused.length === 0) return;
      const n = refused.length;
      throw new TidemarkError(
        'CHECKS_FAILED',
        `Backup of ${server.name} refused: ${n} check${n > 1 ? 's' : ''} failed — ${refused.map((r) => `${r.title}: ${r.detail}`).join(' — ')}`,
        {
          hint: refused.map((r) => `${r.title}: ${r.hint ?? r.detail}`).join('\n'),
          details: { failed: refused.map((r) => r.id).join(',') },
        },
      );
    },
  };
}

/** Keeps what this run learned (PGDATA above all: it lets a later run look at the files while PostgreSQL is down). */
async function rememberFacts(engine: EngineContext, server: ServerConfig, ctx: OpenCheckContext): Promise<void> {
  try {
    const facts = await ctx.facts();
    const dataDirectory = facts.dataDirectory ?? server.facts?.dataDirectory ?? server.pgdata;
    if (!dataDirectory) return;
    await engine.updateFacts(server.id, {
      version: facts.version,
      versionNum: facts.versionNum,
      role: facts.role,
      dataDirectory,
      systemIdentifier: facts.systemIdentifier,
      testedAt: new Date().toISOString(),
    });
  } catch {
    // A cache: the checks' results matter, not whether their facts could be kept.
  }
}
