/**
 * Issue 5 end to end, in Chromium against the real engine and the lab: checks, the mode toggle,
 * live progress, cancel, history with details, the leftover-backup banner and the settings view.
 * Screenshots of each screen at 1280×800 and 1024×700 go to test-results/screenshots/desktop-*.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import type { Locator } from 'playwright';
import { sleep } from '../lab/cluster';
import { getLab, type Lab } from '../lab/lab';
import type { LabCluster } from '../lab/cluster';
import { closeChromium, startApp, type AppFixture } from './fixture';
import { AppPage } from './pages/app-page';
import { BackupPanels } from './pages/backup-panels';
import { labFormInput, ServerFormPage } from './pages/server-form-page';
import { ServerPage } from './pages/server-page';
import { waitForText } from './pages/wait';
import { leaveExclusiveBackup } from '../lab/leftover-backup';

/** Enough data that a copy lasts several progress events (≈ 250 MB with the lab's tablespace). */
const BULK_ROWS = Number(process.env.TIDEMARK_E2E_BULK_ROWS ?? 1_000_000);
const BULK_TABLE = 'tidemark_e2e_bulk';
const WIDE = { width: 1280, height: 800 };
const NARROW = { width: 1024, height: 700 };

describe('the desktop experience in the browser', { timeout: 600_000 }, () => {
  let lab: Lab;
  let app: AppFixture;
  let shell: AppPage;
  let form: ServerFormPage;
  let server: ServerPage;
  let panels: BackupPanels;

  before(async () => {
    lab = await getLab();
    const primary = lab.clusters.pg17!.primary;
    await primary.sql(`drop table if exists ${BULK_TABLE}; create table ${BULK_TABLE} as select g, repeat(md5(g::text), 6) as filler from generate_series(1, ${BULK_ROWS}) g`, { timeoutMs: 180_000 });
    await lab.clusters.pg17!.standby!.waitCaughtUp(primary, 120_000);
    app = await startApp({ viewport: WIDE });
    shell = new AppPage(app.page);
    form = new ServerFormPage(app.page);
    server = new ServerPage(app.page);
    panels = new BackupPanels(app.page);
  });
  // A test that paced the copy and failed half-way must not slow down the next ones.
  afterEach(() => app?.paceCopy(0));
  after(async () => {
    await app?.close(); // removes the temp settings folder and the backup root in it
    await closeChromium();
    await lab?.clusters.pg17?.primary.sql(`drop table if exists ${BULK_TABLE}`).catch(() => undefined);
    if (lab?.owned) await lab.stop();
  });

  /** The same screen at both sizes; `focus` is scrolled into view first. */
  async function shots(name: string, focus?: Locator): Promise<void> {
    for (const size of [WIDE, NARROW]) {
      await app.page.setViewportSize(size);
      if (focus) await focus.scrollIntoViewIfNeeded();
      await app.screenshot(`desktop-${name}-${size.width}x${size.height}`);
      const overflow = await app.page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
      assert.equal(overflow, false, `${name} at ${size.width}×${size.height}: no horizontal scrolling`);
    }
    await app.page.setViewportSize(WIDE);
  }

  it('adds the PG 17 standby over SSH: its checks appear and exclusive mode is refused with the reason', async () => {
    const pg = lab.clusters.pg17!.standby!;
    const ssh = lab.ssh!;
    await shell.addServer.click();
    await form.fill(labFormInput('pg17-standby', pg, ssh));
    await form.submit.click();
    await server.heading('pg17-standby').waitFor();
    await server.testConnection.click();
    await server.trustHostKey.click({ timeout: 20_000 });
    await server.testResult.waitFor({ timeout: 20_000 });
    await waitForText(server.testSummary, /^PostgreSQL 17\.\d+, standby/);

    const summary = await panels.rerunChecks();
    assert.match(summary, /^\d+ failed · \d+ warnings? · \d+ passed/);
    assert.equal(await panels.check('postgresql').getAttribute('data-status'), 'ok');
    assert.equal(await panels.check('ssh-host-key').getAttribute('data-status'), 'ok');
    assert.equal(await panels.banner('backup-in-progress').count(), 0);
    assert.equal(await server.modeOption('Exclusive').isDisabled(), true);
    assert.equal(await server.modeOption('Concurrent').isChecked(), true);
    assert.match((await server.backupHeader.textContent()) ?? '', /PostgreSQL 17 has no exclusive backup API/);
    await waitForText(shell.serverItem('pg17-standby'), /PG 17.*standby.*No backup yet/);
    await shots('server-checks');
  });

  it('backs up the standby: the phases and the progress bar advance, and a DONE row with its size appears', async () => {
    const seen = await panels.recordProgress();
    // Paced (about 3 s for the standby's ~1000 files), so the live view has a copy to show.
    app.paceCopy(3);
    await panels.backUpNow.click();
    await panels.jobPanel.waitFor({ timeout: 20_000 });
    await app.page.locator('section.job-panel[data-phase="copy"]').waitFor({ timeout: 60_000 });
    await panels.waitForCopyUnderway();
    await app.screenshot('desktop-live-job-1280x800');
    const backupId = await panels.jobBackupId();
    await waitForText(panels.outcome, /is complete/, 180_000);
    const values = await seen();
    assert.ok(new Set(values).size >= 2, `the progress bar took at least two values before the end: ${values.join(', ')}`);
    assert.ok(values.some((v) => v > 0 && v < 100), `some value lies between the start and the end: ${values.join(', ')}`);

    await panels.row(backupId).waitFor();
    assert.equal(await panels.cell(backupId, 'status').textContent(), 'DONE');
    assert.equal(await panels.cell(backupId, 'role').textContent(), 'standby');
    assert.equal(await panels.cell(backupId, 'mode').textContent(), 'concurrent');
    assert.match((await panels.cell(backupId, 'size').textContent()) ?? '', /^\d+(\.\d)? (MB|GB)$/);
    await waitForText(shell.serverItem('pg17-standby'), /Last backup (just now|\d+ min ago)/);

    await panels.row(backupId).getByRole('button', { name: `Details of backup ${backupId}` }).click();
    await waitForText(panels.details.getByRole('region', { name: 'backup_label' }), /START WAL LOCATION/);
    await waitForText(panels.details.getByRole('region', { name: 'backup_manifest' }), /PostgreSQL-Backup-Manifest-Version/);
    assert.match((await panels.details.locator('[data-fact="start-lsn"]').textContent()) ?? '', /^[0-9A-F]+\/[0-9A-F]+$/);
    assert.match((await panels.details.locator('[data-fact="timeline"]').textContent()) ?? '', /^\d+$/);
    await shots('history-details', panels.history);
  });

  it('cancels a running backup after confirmation, also after a window reload: a CANCELLED row', async () => {
    await app.page.setViewportSize(NARROW);
    // Paced (about 10 s for the standby's ~1000 files): room for the reload and the dialog.
    app.paceCopy(10);
    await panels.backUpNow.click();
    await app.page.locator('section.job-panel[data-phase="copy"]').waitFor({ timeout: 60_000 });
    const backupId = await panels.jobBackupId();
    // The job lives in the engine: a reloaded window shows it again.
    await app.page.reload();
    await app.page.locator('[data-app-state="ready"]').waitFor();
    await shell.openServer('pg17-standby');
    await panels.jobPanel.waitFor({ timeout: 10_000 });
    assert.equal(await panels.jobBackupId(), backupId);
    await panels.waitForCopyUnderway();
    await app.screenshot('desktop-live-job-1024x700');
    await panels.cancelBackup.click();
    await panels.dialog.waitFor();
    // Escape keeps it running.
    await app.page.keyboard.press('Escape');
    await panels.dialog.waitFor({ state: 'detached' });
    assert.equal(await panels.jobPanel.count(), 1);
    await panels.cancelBackup.click();
    await panels.dialog.getByRole('button', { name: 'Cancel backup' }).click();
    await waitForText(panels.outcome, /was cancelled/, 60_000);
    await panels.row(backupId).waitFor();
    assert.equal(await panels.cell(backupId, 'status').textContent(), 'CANCELLED');
    await waitForText(panels.historyTable.locator(`tr[data-error-for="${backupId}"]`), /cancelled/i);
    await app.page.setViewportSize(WIDE);
  });

  it('backs up a PG 14 primary in exclusive mode: the history row says exclusive', async () => {
    const pg = lab.clusters.pg14!.primary;
    await addLocalServer('pg14-primary', pg);
    await server.modeOption('Exclusive').check();
    await waitForSavedMode('pg14-primary', 'exclusive');
    await panels.backUpNow.click();
    await panels.jobPanel.waitFor({ timeout: 20_000 });
    const backupId = await panels.jobBackupId();
    await waitForText(panels.outcome, /is complete/, 180_000);
    await panels.row(backupId).waitFor();
    assert.equal(await panels.cell(backupId, 'mode').textContent(), 'exclusive');
    assert.equal(await panels.cell(backupId, 'status').textContent(), 'DONE');
    assert.equal((await pg.sql('select pg_is_in_backup()')).trim(), 'f');
    // Sorting by a header button flips aria-sort.
    await panels.sortBy('Size').click();
    assert.equal(await panels.historyTable.getByRole('columnheader', { name: 'Size' }).getAttribute('aria-sort'), 'descending');
    await panels.sortBy('Size').click();
    assert.equal(await panels.historyTable.getByRole('columnheader', { name: 'Size' }).getAttribute('aria-sort'), 'ascending');
  });

  it('shows a leftover exclusive backup as a banner whose button stops it', async () => {
    const pg = lab.clusters.pg14!.primary;
    try {
      await leaveExclusiveBackup(pg, 'crashed tool');
      await panels.rerunChecks();
      const banner = panels.banner('backup-in-progress');
      await banner.waitFor();
      assert.match((await banner.textContent()) ?? '', /An exclusive backup has been in progress since/);
      await shots('leftover-banner', banner);
      await banner.getByRole('button', { name: 'Stop the leftover backup…' }).click();
      await panels.dialog.waitFor();
      assert.match((await panels.dialog.textContent()) ?? '', /pg_stop_backup\(\)/);
      await panels.dialog.getByRole('button', { name: 'Stop the leftover backup' }).click();
      await banner.waitFor({ state: 'detached', timeout: 30_000 });
      assert.equal((await pg.sql('select pg_is_in_backup()')).trim(), 'f');
      assert.equal(await panels.check('backup-in-progress').getAttribute('data-status'), 'ok');
    } finally {
      if ((await pg.sql('select pg_is_in_backup()')).trim() === 't') await pg.sql('select pg_stop_backup()');
    }
  });

  it('changes the settings: default mode, parallel streams, manifest checksums and network compression, saved in the engine', async () => {
    await app.page.getByRole('button', { name: 'Settings', exact: true }).click();
    const settings = app.page.getByRole('form', { name: 'Settings' });
    await settings.waitFor();
    assert.equal(await settings.getByRole('button', { name: 'Choose…' }).count(), 0, 'no native dialog in browser mode');
    await settings.getByLabel('Parallel streams').fill('0');
    await settings.getByRole('button', { name: 'Save settings' }).click();
    assert.equal(await settings.getByLabel('Parallel streams').getAttribute('aria-invalid'), 'true');
    await settings.getByLabel('Parallel streams').fill('3');
    await settings.getByRole('radio', { name: /^Exclusive/ }).check();
    assert.equal(await settings.getByLabel('Manifest checksums').inputValue(), 'CRC32C');
    await settings.getByLabel('Manifest checksums').selectOption({ label: 'SHA-256' });
    const compression = settings.getByRole('checkbox', { name: /^Network compression/ });
    assert.equal(await compression.isChecked(), true, 'on by default');
    await compression.uncheck();
    await settings.getByRole('button', { name: 'Save settings' }).click();
    await settings.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    const saved = await app.engine.handlers['settings:get']();
    assert.equal(saved.settings.parallel, 3);
    assert.equal(saved.settings.defaultMode, 'exclusive');
    assert.equal(saved.settings.manifestChecksums, 'SHA256');
    assert.equal(saved.settings.networkCompression, 'off');
    await shots('settings');
    await app.engine.handlers['settings:update']({ parallel: 4, defaultMode: 'concurrent', manifestChecksums: 'CRC32C', networkCompression: 'zstd' });
  });

  it('offers edit and delete for the selected server in the sidebar; Escape closes the question', async () => {
    await shell.openServer('pg14-primary');
    await shell.sidebar.getByRole('button', { name: 'Delete pg14-primary…' }).click();
    await panels.dialog.waitFor();
    assert.match((await panels.dialog.textContent()) ?? '', /Delete pg14-primary\?/);
    await app.page.keyboard.press('Escape');
    await panels.dialog.waitFor({ state: 'detached' });
    assert.ok((await app.engine.handlers['servers:list']()).some((s) => s.name === 'pg14-primary'));
    await shell.sidebar.getByRole('button', { name: 'Edit pg14-primary' }).click();
    await form.form.waitFor();
    await form.cancel.click();
  });

  it('reads well in dark mode too, and logged no page errors or CSP violations', async () => {
    await app.page.emulateMedia({ colorScheme: 'dark' });
    await shell.openServer('pg17-standby');
    await panels.waitForChecks();
    await app.screenshot('desktop-server-dark-1280x800');
    await panels.history.scrollIntoViewIfNeeded();
    await app.screenshot('desktop-history-dark-1280x800');
    await app.page.emulateMedia({ colorScheme: 'light' });
    assert.deepEqual(app.problems, []);
  });

  async function addLocalServer(name: string, pg: LabCluster): Promise<void> {
    await shell.addServer.click();
    await form.fill(labFormInput(name, pg));
    await form.submit.click();
    await server.heading(name).waitFor();
    await server.testConnection.click();
    await server.testResult.waitFor({ timeout: 20_000 });
  }

  async function waitForSavedMode(name: string, mode: 'exclusive' | 'concurrent'): Promise<void> {
    const deadline = Date.now() + 5000;
    while ((await app.engine.handlers['servers:list']()).find((s) => s.name === name)?.mode !== mode) {
      if (Date.now() > deadline) assert.fail(`the mode of ${name} was not saved`);
      await sleep(100);
    }
  }
});
