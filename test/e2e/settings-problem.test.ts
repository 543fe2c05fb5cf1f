/** A malformed settings file: the app says so, stays read-only and leaves the file alone. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { closeChromium, startApp, type AppFixture } from './fixture';
import { AppPage } from './pages/app-page';
import { waitForText } from './pages/wait';

const BROKEN = '{ "version": 1, "settings": { "backupRoot": "/tmp/x" }, "servers": [ oops ] }\n';

describe('settings problem banner', { timeout: 120_000 }, () => {
  let app: AppFixture;
  let shell: AppPage;

  before(async () => {
    app = await startApp({ settingsText: BROKEN });
    shell = new AppPage(app.page);
  });
  after(async () => {
    await app?.close();
    await closeChromium();
  });

  it('shows the problem, the file path and that the file was not touched', async () => {
    await shell.settingsProblem.waitFor();
    const text = await waitForText(shell.settingsProblem, /not touched/);
    assert.ok(text.includes(app.settingsPath), 'names the file');
    const problem = (await app.engine.handlers['settings:get']()).problem;
    assert.ok(problem, 'the engine reports a problem');
    assert.ok(text.includes(problem.message), 'shows the engine message as it is');
    await app.screenshot('11-settings-problem');
  });

  it('is read-only: no way to add a server', async () => {
    assert.equal(await shell.addServer.isDisabled(), true);
  });

  it('left the file exactly as it was', () => {
    assert.equal(readFileSync(app.settingsPath, 'utf8'), BROKEN);
  });
});
