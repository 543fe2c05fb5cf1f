/**
 * Issue 2 end to end: servers added, tested, trusted, validated and deleted through the renderer
 * in Chromium, against the real engine and the lab's PostgreSQL clusters and sshd.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { dispatch } from '../../electron/engine/dispatch';
import { getLab, type Lab } from '../lab/lab';
import { startSshd } from '../lab/sshd';
import { closeChromium, startApp, type AppFixture } from './fixture';
import { AppPage } from './pages/app-page';
import { labFormInput, ServerFormPage } from './pages/server-form-page';
import { ServerPage } from './pages/server-page';
import { waitForText } from './pages/wait';

describe('servers in the browser', { timeout: 300_000 }, () => {
  let lab: Lab;
  let app: AppFixture;
  let shell: AppPage;
  let form: ServerFormPage;
  let server: ServerPage;

  before(async () => {
    lab = await getLab();
    app = await startApp();
    shell = new AppPage(app.page);
    form = new ServerFormPage(app.page);
    server = new ServerPage(app.page);
  });
  after(async () => {
    await app?.close();
    await closeChromium();
    if (lab?.owned) await lab.stop();
  });

  const savedNames = async (): Promise<string[]> => (await app.engine.handlers['servers:list']()).map((s) => s.name);

  it('starts empty, in browser mode, saying passwords last for this run', async () => {
    await waitForText(shell.browserModeNote, /passwords are kept for this run only/);
    await app.page.getByRole('heading', { name: 'Welcome to Tidemark' }).waitFor();
    await app.screenshot('01-empty');
  });

  it('adds the PG 17 primary over SSH, trusts its host key and shows version, role and fingerprint', async () => {
    const pg = lab.clusters.pg17!.primary;
    const ssh = lab.ssh!;
    await shell.addServer.click();
    await form.fill(labFormInput('pg17-primary', pg, ssh));
    await app.screenshot('02-add-server-ssh-form');
    await form.submit.click();
    await server.heading('pg17-primary').waitFor();
    await server.testConnection.click();

    await server.unknownHostKey.waitFor({ timeout: 20_000 });
    assert.equal((await server.offeredFingerprint().textContent())?.trim(), ssh.hostKeyFingerprint);
    await app.screenshot('03-unknown-host-key');
    await server.trustHostKey.click();

    await server.testResult.waitFor({ timeout: 20_000 });
    await waitForText(server.testSummary, new RegExp(`^PostgreSQL 17\\.\\d+, primary, timeline 1 · SSH host key ${escape(ssh.hostKeyFingerprint)} verified$`));
    await waitForText(server.fact('PostgreSQL', 'Version'), /^17\.\d+/);
    await waitForText(server.fact('PostgreSQL', 'Role'), /^primary$/);
    await waitForText(server.fact('PostgreSQL', 'Data directory'), new RegExp(`^${escape(pg.pgdata)}`));
    assert.match((await server.fact('PostgreSQL', 'System identifier').textContent()) ?? '', /^\d{10,}$/);
    assert.match((await server.fact('File access', 'Host key').textContent()) ?? '', new RegExp(escape(ssh.hostKeyFingerprint)));
    await waitForText(shell.serverItem('pg17-primary'), /PG 17.*primary/);
    await app.screenshot('04-pg17-primary-tested');

    const saved = (await app.engine.handlers['servers:list']()).find((s) => s.name === 'pg17-primary');
    assert.equal(saved?.transport.kind === 'ssh' && saved.transport.knownHostKey?.fingerprint, ssh.hostKeyFingerprint);
    assert.equal(saved?.hasPassword, true);
  });

  it('adds the PG 14 standby with local file access and finds it is a standby', async () => {
    const pg = lab.clusters.pg14!.standby!;
    await shell.addServer.click();
    await form.fill(labFormInput('pg14-standby', pg));
    await form.submit.click();
    await server.heading('pg14-standby').waitFor();
    await server.testConnection.click();
    await server.testResult.waitFor({ timeout: 20_000 });
    await waitForText(server.testSummary, /^PostgreSQL 14\.\d+, standby, timeline 1$/);
    await waitForText(server.fact('PostgreSQL', 'Role'), /^standby$/);
    await waitForText(shell.serverItem('pg14-standby'), /PG 14.*standby/);
    await app.screenshot('05-pg14-standby-tested');
  });

  it('shows validation errors on the fields and saves nothing', async () => {
    const before = await savedNames();
    await shell.addServer.click();
    await form.fill({ name: '', host: '127.0.0.1', port: '70000' });
    await form.submit.click();
    assert.equal(await form.isInvalid('Name'), true);
    assert.match(await form.errorOf('Name'), /Enter a name/);
    assert.equal(await form.isInvalid('Port'), true);
    assert.match(await form.errorOf('Port'), /1 to 65535/);
    // The keyboard goes to the first field that needs attention.
    assert.equal(await form.field('Name').evaluate((el) => el === document.activeElement), true);
    await app.screenshot('06-validation-errors');

    await form.fill({ name: 'PG17-PRIMARY', port: '5432' });
    await form.submit.click();
    assert.match(await form.errorOf('Name'), /already named/);
    assert.equal(await form.isInvalid('Port'), false);
    assert.deepEqual(await savedNames(), before);
    await form.cancel.click();
  });

  it('shows the engine\'s message and hint for a wrong password', async () => {
    const pg = lab.clusters.pg17!.primary;
    await shell.addServer.click();
    await form.fill({ name: 'wrong-password', host: pg.host, port: String(pg.port), user: pg.superuser, password: 'not-the-password' });
    await form.submit.click();
    await server.heading('wrong-password').waitFor();
    await server.testConnection.click();
    await server.testFailure.waitFor({ timeout: 20_000 });

    const id = (await app.engine.handlers['servers:list']()).find((s) => s.name === 'wrong-password')!.id;
    const direct = await dispatch(app.engine.handlers, 'servers:test', { id });
    assert.equal(direct.ok, false);
    if (direct.ok) return;
    assert.equal(direct.error.code, 'PG_AUTH');
    assert.equal(await server.testFailure.locator('.error-message').textContent(), direct.error.message);
    assert.ok(direct.error.hint, 'a PG_AUTH error carries a hint');
    assert.equal(await server.testFailure.locator('.error-hint').textContent(), direct.error.hint);
    await app.screenshot('07-wrong-password');
  });

  it('deletes a server only after confirmation', async () => {
    await shell.openServer('wrong-password');
    await server.delete.click();
    await server.deleteDialog.waitFor();
    await app.screenshot('08-delete-confirmation');
    await server.deleteDialog.getByRole('button', { name: 'Cancel' }).click();
    assert.ok((await savedNames()).includes('wrong-password'));

    await server.delete.click();
    await server.deleteDialog.getByRole('button', { name: 'Delete server' }).click();
    await shell.serverItem('wrong-password').waitFor({ state: 'detached' });
    assert.deepEqual((await savedNames()).sort(), ['pg14-standby', 'pg17-primary']);
  });

  it('edits a server and keeps its stored password', async () => {
    await shell.openServer('pg14-standby');
    await server.edit.click();
    assert.equal(await form.field('Password').getAttribute('placeholder'), '•••••••• (stored)');
    await form.fill({ name: 'pg14-standby-renamed' });
    await app.screenshot('09-edit-server');
    await form.submit.click();
    await server.heading('pg14-standby-renamed').waitFor();
    const saved = (await app.engine.handlers['servers:list']()).find((s) => s.name === 'pg14-standby-renamed');
    assert.equal(saved?.hasPassword, true);
  });

  it('refuses a changed SSH host key and shows both fingerprints', async () => {
    const pg = lab.clusters.pg17!.primary;
    const first = await startSshd({ clientKeysFrom: lab.ssh });
    let second: Awaited<ReturnType<typeof startSshd>> | undefined;
    try {
      await shell.addServer.click();
      await form.fill(labFormInput('moved-host', pg, first));
      await form.submit.click();
      await server.heading('moved-host').waitFor();
      await server.testConnection.click();
      await server.trustHostKey.click({ timeout: 20_000 });
      await server.testResult.waitFor({ timeout: 20_000 });

      // The same address now answers with another host key: a reinstalled host, or an attack.
      const port = first.port;
      await first.stop();
      second = await startSshd({ clientKeysFrom: lab.ssh, port });
      await server.testConnection.click();
      await server.changedHostKey.waitFor({ timeout: 20_000 });
      assert.equal((await server.changedKeyFingerprint('Trusted key').textContent())?.trim(), first.hostKeyFingerprint);
      assert.equal((await server.changedKeyFingerprint('Offered key').textContent())?.trim(), second.hostKeyFingerprint);
      assert.equal(await server.changedHostKey.getByRole('button', { name: /trust/i }).count(), 0);
      await app.screenshot('12-host-key-changed');
      const saved = (await app.engine.handlers['servers:list']()).find((s) => s.name === 'moved-host');
      assert.equal(saved?.transport.kind === 'ssh' && saved.transport.knownHostKey?.fingerprint, first.hostKeyFingerprint);
    } finally {
      await second?.stop();
      await first.stop();
    }
  });

  it('offers exclusive mode only where PostgreSQL allows it (14 primary), with the reason elsewhere', async () => {
    const pg = lab.clusters.pg14!.primary;
    await shell.addServer.click();
    await form.fill(labFormInput('pg14-primary', pg));
    await form.submit.click();
    await server.heading('pg14-primary').waitFor();
    await server.testConnection.click();
    await server.testResult.waitFor({ timeout: 20_000 });
    assert.equal(await server.modeOption('Exclusive').isEnabled(), true);
    await server.modeOption('Exclusive').check();
    await waitForText(server.backupHeader, /Exclusive/);
    const deadline = Date.now() + 5000;
    while ((await app.engine.handlers['servers:list']()).find((s) => s.name === 'pg14-primary')?.mode !== 'exclusive') {
      if (Date.now() > deadline) assert.fail('the mode was not saved');
      await new Promise((r) => setTimeout(r, 100));
    }
    await app.screenshot('13-mode-exclusive-pg14');

    await shell.openServer('pg17-primary');
    assert.equal(await server.modeOption('Exclusive').isDisabled(), true);
    assert.match(await server.backupHeader.textContent() ?? '', /PostgreSQL 17 has no exclusive backup API/);
    await shell.openServer('pg14-standby-renamed');
    assert.equal(await server.modeOption('Exclusive').isDisabled(), true);
    assert.match(await server.backupHeader.textContent() ?? '', /standby can only take concurrent backups/);
  });

  it('works from the keyboard: Enter on "Add server" opens the form with the focus on Name', async () => {
    await shell.addServer.focus();
    await app.page.keyboard.press('Enter');
    await form.form.waitFor();
    assert.equal(await form.field('Name').evaluate((el) => el === document.activeElement), true);
    await app.page.keyboard.type('typed-by-keyboard');
    await app.page.keyboard.press('Tab');
    assert.equal(await form.field('SSL mode').evaluate((el) => el === document.activeElement), true);
    assert.equal(await form.field('Name').inputValue(), 'typed-by-keyboard');
    await form.cancel.click();
  });

  it('reads well at 1024×700 in dark mode', async () => {
    await app.page.setViewportSize({ width: 1024, height: 700 });
    await app.page.emulateMedia({ colorScheme: 'dark' });
    await shell.openServer('pg17-primary');
    await server.testConnection.click();
    await server.testResult.waitFor({ timeout: 20_000 });
    await app.screenshot('10-dark-1024x700');
    const overflow = await app.page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
    assert.equal(overflow, false, 'no horizontal scrolling');
  });

  it('logged no page errors or CSP violations', () => {
    assert.deepEqual(app.problems, []);
  });
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
