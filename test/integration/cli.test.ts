// The `tidemark` CLI as a DBA runs it: the built bundle, a hand-written settings file, the real lab.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { repoRoot } from '../lab/pg-bin';
import { getLab, type Lab } from '../lab/lab';
import { exec } from '../lab/exec';

const bin = join(repoRoot, 'bin', 'tidemark.cjs');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function tidemark(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { env: { ...process.env, PGPASSWORD: '', ...env }, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('tidemark CLI', () => {
  let lab: Lab;
  let dir: string;
  let config: string;

  before(async () => {
    lab = await getLab();
    if (!existsSync(join(repoRoot, 'dist', 'cli', 'tidemark.cjs'))) await exec(process.execPath, [join(repoRoot, 'scripts', 'build.mjs')]);
    dir = mkdtempSync(join(tmpdir(), 'tidemark-cli-'));
    config = join(dir, 'settings.json');
    const p17 = lab.clusters.pg17!.primary;
    const s14 = lab.clusters.pg14!.standby!;
    const ssh = lab.ssh!;
    // Hand-written, as README documents: only name, host, port, user (and the transport) are given.
    writeFileSync(
      config,
      JSON.stringify({
        settings: { backupRoot: join(dir, 'backups') },
        servers: [
          {
            name: 'pg17',
            host: p17.host,
            port: p17.port,
            user: p17.superuser,
            transport: { kind: 'ssh', host: ssh.host, port: ssh.port, user: ssh.user, auth: 'key', keyPath: ssh.clientKeyPath },
          },
          { name: 'pg14-standby', host: s14.host, port: s14.port, user: s14.superuser },
        ],
      }),
    );
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const pw = (): NodeJS.ProcessEnv => ({ PGPASSWORD: lab.clusters.pg17!.primary.password });

  it('lists the servers of a hand-written settings file', async () => {
    const r = await tidemark(['--config', config, '--json', 'servers']);
    assert.equal(r.code, 0, r.stderr);
    const list = JSON.parse(r.stdout);
    assert.deepEqual(list.map((s: { name: string }) => s.name), ['pg17', 'pg14-standby']);
    assert.equal(list[0].hasPassword, false);
  });

  it('stops at an unknown host key, showing its fingerprint, until the user trusts exactly that key', async () => {
    const first = await tidemark(['--config', config, 'test', 'pg17'], pw());
    assert.equal(first.code, 1);
    assert.ok(first.stderr.includes(lab.ssh!.hostKeyFingerprint), first.stderr);

    const wrong = await tidemark(['--config', config, 'trust', 'pg17', `SHA256:${'x'.repeat(43)}`], pw());
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /Nothing was changed/);
    assert.doesNotMatch(readFileSync(config, 'utf8'), /knownHostKey/);

    const trust = await tidemark(['--config', config, 'trust', 'pg17', lab.ssh!.hostKeyFingerprint], pw());
    assert.equal(trust.code, 0, trust.stderr);

    const ok = await tidemark(['--config', config, '--json', 'test', 'pg17'], pw());
    assert.equal(ok.code, 0, ok.stderr);
    const report = JSON.parse(ok.stdout);
    assert.equal(Math.floor(report.versionNum / 10000), 17);
    assert.equal(report.role, 'primary');
    assert.equal(report.ssh.fingerprint, lab.ssh!.hostKeyFingerprint);
    const sysid = await lab.clusters.pg17!.primary.sql('select system_identifier from pg_control_system()');
    assert.equal(report.systemIdentifier, sysid.trim());
  });

  it('reports a standby and prints a readable report', async () => {
    const r = await tidemark(['--config', config, 'test', 'pg14-standby'], pw());
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /role\s+standby/);
    assert.match(r.stdout, /version\s+14\./);
  });

  it('fails with one clear error on a wrong password', async () => {
    const r = await tidemark(['--config', config, 'test', 'pg14-standby'], { PGPASSWORD: 'not-the-password' });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^error: .*password/im);
    assert.equal(r.stderr.trim().split('\n').filter((l) => l.startsWith('error:')).length, 1);
  });

  it('names an unknown server and lists the known ones', async () => {
    const r = await tidemark(['--config', config, 'test', 'nope']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /No server named "nope"/);
    assert.match(r.stderr, /pg17, pg14-standby/);
  });

  it('starts on a malformed settings file, names the field and leaves the file untouched', async () => {
    const bad = join(dir, 'bad.json');
    const text = JSON.stringify({ servers: [{ name: 'x', host: 'h', port: 70000, user: 'u' }] });
    writeFileSync(bad, text);
    const r = await tidemark(['--config', bad, 'servers']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /servers\[0\] \("x"\)\.port must be <= 65535/);
    assert.equal(readFileSync(bad, 'utf8'), text);
  });

  it('answers usage errors with exit status 2', async () => {
    assert.equal((await tidemark(['--config', config, 'bogus'])).code, 2);
    assert.equal((await tidemark(['--config', config, 'backup', 'pg17', '--mode', 'fast'])).code, 2);
  });
});
