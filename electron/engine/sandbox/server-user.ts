import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/**
 * The OS account the sandbox servers run as. PostgreSQL refuses to run as root, so when Tidemark
 * runs as root (CI, containers) they run as `postgres` through runuser; otherwise as the user
 * running Tidemark, who then owns every file.
 */
export interface ServerUser {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
  /** Set when commands must go through `runuser -u <name>`. */
  readonly runAs?: string;
}

export const POSTGRES_OS_USER = 'postgres';

export const runningAsRoot = (): boolean => typeof process.getuid === 'function' && process.getuid() === 0;

let cached: ServerUser | undefined;

/** Throws when running as root on a machine without a `postgres` account. */
export function serverUser(): ServerUser {
  if (cached) return cached;
  if (!runningAsRoot()) {
    const uid = process.getuid?.() ?? 0;
    const gid = process.getgid?.() ?? 0;
    cached = { name: process.env.USER ?? String(uid), uid, gid };
    return cached;
  }
  try {
    const id = (flag: string): number => Number(execFileSync('id', [flag, POSTGRES_OS_USER], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
    cached = { name: POSTGRES_OS_USER, uid: id('-u'), gid: id('-g'), runAs: POSTGRES_OS_USER };
    return cached;
  } catch {
    throw new Error(
      `Tidemark runs as root and PostgreSQL refuses to: the sandbox needs a "${POSTGRES_OS_USER}" OS user to run its servers (e.g. apt-get install postgresql-common, or useradd --system ${POSTGRES_OS_USER}).`,
    );
  }
}

/** mkdir -p, then hand the leaf to the server user with the given mode. */
export function makeServerDir(user: ServerUser, path: string, mode = 0o700): string {
  mkdirSync(path, { recursive: true });
  chownSync(path, user.uid, user.gid);
  chmodSync(path, mode);
  return path;
}

export function writeServerFile(user: ServerUser, path: string, content: string, mode = 0o600): void {
  writeFileSync(path, content, { mode });
  chownSync(path, user.uid, user.gid);
  chmodSync(path, mode);
}

/**
 * The server user must be able to walk down to the sandbox folder. Folders are never loosened
 * here: a home directory that is 0700 is the user's choice, so say where to put the sandbox instead.
 */
export function unreachableAncestor(user: ServerUser, path: string): string | undefined {
  if (!user.runAs) return undefined;
  for (let dir = resolve(path); ; dir = dirname(dir)) {
    try {
      const st = statSync(dir);
      const bit = st.uid === user.uid ? 0o100 : st.gid === user.gid ? 0o010 : 0o001;
      if ((st.mode & bit) === 0) return dir;
    } catch {
      // Not created yet: its parent decides.
    }
    if (dir === dirname(dir)) return undefined;
  }
}
