import type { Locator, Page } from 'playwright';

/** The server page's issue-5 parts: the live job, the checks, the banner and the history. */
export class BackupPanels {
  readonly main: Locator;
  readonly backUpNow: Locator;
  readonly jobPanel: Locator;
  readonly progressBar: Locator;
  readonly cancelBackup: Locator;
  readonly outcome: Locator;
  readonly checks: Locator;
  readonly checksSummary: Locator;
  readonly runChecks: Locator;
  readonly history: Locator;
  readonly historyTable: Locator;
  readonly details: Locator;
  readonly dialog: Locator;

  constructor(readonly page: Page) {
    this.main = page.getByRole('main');
    this.backUpNow = this.main.getByRole('button', { name: /^(Back up now|Starting…|Backing up…)$/ });
    this.jobPanel = this.main.locator('section.job-panel');
    this.progressBar = this.main.getByRole('progressbar', { name: 'Bytes copied' });
    this.cancelBackup = this.jobPanel.getByRole('button', { name: 'Cancel backup…' });
    this.outcome = this.main.getByTestId('job-outcome');
    this.checks = this.main.getByRole('region', { name: 'Checks', exact: true });
    this.checksSummary = this.checks.getByTestId('checks-summary');
    this.runChecks = this.checks.getByRole('button', { name: /^(Run checks|Checking…)$/ });
    this.history = this.main.getByRole('region', { name: 'History', exact: true });
    this.historyTable = this.history.getByRole('table');
    this.details = this.history.locator('section.backup-details');
    this.dialog = page.getByRole('dialog');
  }

  /** The banner of a check (a backup left behind on the server). */
  banner(checkId: string): Locator {
    return this.main.locator(`.check-banners [data-check-id="${checkId}"]`);
  }

  check(checkId: string): Locator {
    return this.checks.locator(`li[data-check-id="${checkId}"]`);
  }

  row(backupId: string): Locator {
    return this.historyTable.locator(`tbody tr[data-backup-id="${backupId}"]`);
  }

  rows(): Locator {
    return this.historyTable.locator('tbody tr[data-backup-id]');
  }

  cell(backupId: string, col: 'mode' | 'role' | 'size' | 'status'): Locator {
    return this.row(backupId).locator(`td[data-col="${col}"]`);
  }

  sortBy(label: string): Locator {
    return this.historyTable.getByRole('columnheader', { name: label }).getByRole('button');
  }

  /** When the shown results arrived (ISO, ms), or '' before the first run. */
  async checkedAt(): Promise<string> {
    return (await this.checks.getAttribute('data-checked-at')) ?? '';
  }

  /** Waits for results newer than `after` (a checkedAt() value), then returns the summary. */
  async waitForChecks(after = '', timeoutMs = 30_000): Promise<string> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const at = await this.checkedAt();
      if (at && at !== after && (await this.checks.getAttribute('aria-busy')) === 'false') break;
      if (Date.now() > end) throw new Error(`the checks did not finish (last results at ${at || 'never'})`);
      await new Promise((r) => setTimeout(r, 100));
    }
    return (await this.checksSummary.textContent()) ?? '';
  }

  /** Clicks "Run checks" and waits for the new results. */
  async rerunChecks(): Promise<string> {
    const before = await this.checkedAt();
    await this.runChecks.click();
    return this.waitForChecks(before);
  }

  /** Waits until some bytes are copied (for a mid-copy screenshot); gives up quietly if the copy ends first. */
  async waitForCopyUnderway(minPercent = 3, timeoutMs = 60_000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (Date.now() < end) {
      const v = await this.progressBar.getAttribute('aria-valuenow', { timeout: 1000 }).catch(() => null);
      if (v !== null && Number(v) >= minPercent) return;
      if ((await this.jobPanel.count()) === 0) return;
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** The id of the backup the live job shows. */
  async jobBackupId(): Promise<string> {
    const title = (await this.jobPanel.getByRole('heading').locator('.mono').textContent()) ?? '';
    return title.trim();
  }

  /**
   * Records every aria-valuenow the progress bar takes, from inside the page (a MutationObserver),
   * so no value is missed between two polls of the test.
   */
  async recordProgress(): Promise<() => Promise<number[]>> {
    // A string, not a function: tsx would wrap named functions in a helper the page does not have.
    await this.page.evaluate(`(() => {
      window.__progress = [];
      window.__progressObserver?.disconnect();
      const read = () => {
        const bar = document.querySelector('[role="progressbar"][aria-label="Bytes copied"]');
        const v = bar?.getAttribute('aria-valuenow');
        if (v != null && window.__progress[window.__progress.length - 1] !== Number(v)) window.__progress.push(Number(v));
      };
      window.__progressObserver = new MutationObserver(read);
      window.__progressObserver.observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['aria-valuenow'] });
      read();
    })()`);
    return () => this.page.evaluate('window.__progress') as Promise<number[]>;
  }
}
