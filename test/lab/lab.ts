import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { LabCluster, type LabClusterInfo } from './cluster';
import type { LabMajor } from './pg-bin';
import { makePostgresDir } from './os-user';
import { onProcessExit } from './process-exit';
import { attachSshd, startSshd, type LabSshd, type LabSshdInfo } from './sshd';
import { labDirPrefix, ownerFileName } from './stale';
import { makeStandby } from './standby';
import { seedTablespace } from './tablespace';

export interface LabPair {
  readonly primary: LabCluster;
  readonly standby?: LabCluster;
}

export interface LabClusters {
  readonly pg14?: LabPair;
  readonly pg17?: LabPair;
}

export interface LabOptions {
  readonly majors?: readonly LabMajor[];
  readonly standbys?: boolean;
  readonly ssh?: boolean;
}

/** What lab.json holds: the runner writes it, test processes attach to it. */
export interface LabJson {
  readonly dir: string;
  readonly ownerPid: number;
  readonly clusters: {
    readonly pg14?: { readonly primary: LabClusterInfo; readonly standby?: LabClusterInfo };
    readonly pg17?: { readonly primary: LabClusterInfo; readonly standby?: LabClusterInfo };
  };
  readonly ssh?: LabSshdInfo;
}

export interface Lab {
  readonly dir: string;
  readonly clusters: LabClusters;
  readonly ssh?: LabSshd;
  /** False for a lab attached through TIDEMARK_LAB: stop() then leaves it running. */
  readonly owned: boolean;
  /** Every cluster, primaries first. */
  all(): LabCluster[];
  stop(): Promise<void>;
  toJSON(): LabJson;
}

const defaults: Required<LabOptions> = { majors: [14, 17], standbys: true, ssh: true };

/** Starts primaries (each with tablespace lab_ts), streaming standbys and sshd; all stop with the process. */
export async function startLab(options: LabOptions = {}): Promise<Lab> {
  const opts = { ...defaults, ...options };
  const dir = mkdtempSync(labDirPrefix);
  makePostgresDir(dir, 0o755);
  writeFileSync(join(dir, ownerFileName), String(process.pid));
  const password = randomBytes(12).toString('hex');
  const started: LabCluster[] = [];
  let ssh: LabSshd | undefined;
  const unregister = onProcessExit(() => {
    for (const cluster of [...started].reverse()) cluster.stopSync('immediate');
    ssh?.stopSync();
    rmSync(dir, { recursive: true, force: true });
  });

  const startPair = async (major: LabMajor): Promise<LabPair> => {
    const primary = await LabCluster.init(major, { name: `pg${major}-primary`, dir, password });
    started.push(primary);
    await primary.start();
    await seedTablespace(primary);
    if (!opts.standbys) return { primary };
    const standby = await makeStandby(primary, `pg${major}-standby`);
    started.push(standby);
    return { primary, standby };
  };

  const stopAll = async (): Promise<void> => {
    unregister();
    const errors: unknown[] = [];
    for (const cluster of [...started].reverse()) await cluster.stop('fast').catch((error: unknown) => errors.push(error));
    await ssh?.stop();
    rmSync(dir, { recursive: true, force: true });
    if (errors.length) throw new AggregateError(errors, 'some lab clusters did not stop cleanly');
  };

  try {
    const [pairs, sshd] = await Promise.all([
      Promise.all(opts.majors.map(startPair)),
      opts.ssh ? startSshd({ dir: join(dir, 'ssh') }) : Promise.resolve(undefined),
    ]);
    ssh = sshd;
    const clusters: Record<string, LabPair> = {};
    opts.majors.forEach((major, index) => (clusters[`pg${major}`] = pairs[index]));
    return makeLab(dir, clusters as LabClusters, ssh, true, stopAll);
  } catch (error) {
    await stopAll().catch(() => undefined);
    throw error;
  }
}

/** A lab started by another process, described by its lab.json. */
export function attachLab(jsonPath: string): Lab {
  const json = JSON.parse(readFileSync(jsonPath, 'utf8')) as LabJson;
  const clusters: Record<string, LabPair> = {};
  for (const [key, pair] of Object.entries(json.clusters)) {
    if (!pair) continue;
    clusters[key] = {
      primary: LabCluster.fromInfo(pair.primary),
      ...(pair.standby ? { standby: LabCluster.fromInfo(pair.standby) } : {}),
    };
  }
  return makeLab(json.dir, clusters as LabClusters, json.ssh ? attachSshd(json.ssh) : undefined, false, async () => {});
}

function makeLab(dir: string, clusters: LabClusters, ssh: LabSshd | undefined, owned: boolean, stop: () => Promise<void>): Lab {
  const pairs = [clusters.pg14, clusters.pg17].filter((pair): pair is LabPair => !!pair);
  return {
    dir,
    clusters,
    ssh,
    owned,
    all: () => [...pairs.map((pair) => pair.primary), ...pairs.flatMap((pair) => (pair.standby ? [pair.standby] : []))],
    stop,
    toJSON: () => ({
      dir,
      ownerPid: process.pid,
      clusters: Object.fromEntries(
        Object.entries(clusters).map(([key, pair]: [string, LabPair]) => [
          key,
          { primary: pair.primary.toJSON(), ...(pair.standby ? { standby: pair.standby.toJSON() } : {}) },
        ]),
      ),
      ...(ssh ? { ssh: ssh.toJSON() } : {}),
    }),
  };
}

/** Writes lab.json (0600: it holds passwords) and returns its path. */
export function writeLabJson(lab: Lab, path = join(lab.dir, 'lab.json')): string {
  writeFileSync(path, JSON.stringify(lab.toJSON(), null, 2));
  chmodSync(path, 0o600);
  return path;
}

let shared: Promise<Lab> | undefined;

/**
 * The lab for a test file: the runner's (TIDEMARK_LAB=<lab.json>) when set, left running;
 * otherwise a full lab started once per process and stopped when the process exits.
 */
export function getLab(): Promise<Lab> {
  if (!shared) {
    const jsonPath = process.env.TIDEMARK_LAB;
    shared = jsonPath ? Promise.resolve(attachLab(jsonPath)) : startLab();
  }
  return shared;
}
