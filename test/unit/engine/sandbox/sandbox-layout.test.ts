import assert from 'node:assert/strict';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { defaultSandboxDir, ROOT_SANDBOX_DIR, SANDBOX_CLUSTERS, SandboxLayout } from '../../../../electron/engine/sandbox/sandbox-layout';

describe('sandbox layout', () => {
  it('lives in $TIDEMARK_SANDBOX_DIR when set', () => {
    assert.equal(defaultSandboxDir({ TIDEMARK_SANDBOX_DIR: '/srv/sbx' }, false), '/srv/sbx');
    assert.equal(defaultSandboxDir({ TIDEMARK_SANDBOX_DIR: '/srv/sbx' }, true), '/srv/sbx');
  });

  it('as root, where the postgres OS user can reach it (not under /root)', () => {
    assert.equal(defaultSandboxDir({}, true), ROOT_SANDBOX_DIR);
    assert.ok(!ROOT_SANDBOX_DIR.startsWith('/root'));
  });

  it("otherwise in the user's data directory", { skip: process.platform !== 'linux' }, () => {
    assert.equal(defaultSandboxDir({}, false), join(homedir(), '.local', 'share', 'Tidemark', 'sandbox'));
    assert.equal(defaultSandboxDir({ XDG_DATA_HOME: '/data' }, false), '/data/Tidemark/sandbox');
  });

  it('keeps every file inside the folder', () => {
    const layout = new SandboxLayout('/x/sbx/');
    const paths = [layout.stateFile, layout.settingsFile, layout.backupRoot, layout.socketDir, layout.pgpassFile, layout.loadLog, layout.lockFile];
    for (const spec of SANDBOX_CLUSTERS) paths.push(layout.pgdata(spec.key), layout.logFile(spec.key), layout.tablespaceDir(spec.key));
    for (const p of paths) assert.ok(p.startsWith('/x/sbx/'), p);
    assert.equal(layout.settingsFile, '/x/sbx/demo/settings.json');
  });

  it('starts a standby after its primary', () => {
    const keys = SANDBOX_CLUSTERS.map((s) => s.key);
    for (const spec of SANDBOX_CLUSTERS.filter((s) => s.standbyOf)) assert.ok(keys.indexOf(spec.standbyOf!) < keys.indexOf(spec.key));
    assert.deepEqual(SANDBOX_CLUSTERS.map((s) => s.major).sort(), [14, 17, 17]);
  });
});
