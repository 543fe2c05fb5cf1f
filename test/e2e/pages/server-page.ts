import type { Locator, Page } from 'playwright';

/** One server's page: header actions, the connection test outcome and the facts cards. */
export class ServerPage {
  readonly testConnection: Locator;
  readonly edit: Locator;
  readonly delete: Locator;
  readonly testResult: Locator;
  /** "PostgreSQL 17.2, primary, timeline 1 · SSH host key SHA256:… verified" */
  readonly testSummary: Locator;
  readonly unknownHostKey: Locator;
  readonly trustHostKey: Locator;
  readonly testFailure: Locator;
  readonly deleteDialog: Locator;
  readonly changedHostKey: Locator;
  readonly backupHeader: Locator;

  constructor(readonly page: Page) {
    const main = page.getByRole('main');
    this.testConnection = main.getByRole('button', { name: /^(Test connection|Testing…)$/ });
    this.edit = main.getByRole('button', { name: 'Edit', exact: true });
    this.delete = main.getByRole('button', { name: 'Delete…' });
    this.testResult = main.getByRole('status', { name: 'Connection test result' });
    this.testSummary = this.testResult.getByTestId('test-summary');
    this.unknownHostKey = main.getByRole('alertdialog', { name: 'Unknown SSH host key' });
    this.trustHostKey = this.unknownHostKey.getByRole('button', { name: 'Trust this host key' });
    this.testFailure = main.getByRole('alert').filter({ hasText: 'Connection test failed' });
    this.deleteDialog = page.getByRole('dialog');
    this.changedHostKey = main.getByRole('alert').filter({ hasText: 'The SSH host key has changed' });
    this.backupHeader = main.getByRole('region', { name: 'Backup' });
  }

  heading(name: string): Locator {
    return this.page.getByRole('heading', { level: 1, name, exact: true });
  }

  /** A value in one of the cards, by its term. */
  fact(card: 'PostgreSQL' | 'File access', term: string): Locator {
    return this.page.getByRole('region', { name: card, exact: true }).locator(`dt:text-is("${term}") + dd`);
  }

  /** Exclusive | Concurrent in the backup header. */
  modeOption(name: 'Exclusive' | 'Concurrent'): Locator {
    return this.backupHeader.getByRole('radio', { name, exact: true });
  }

  changedKeyFingerprint(term: 'Trusted key' | 'Offered key'): Locator {
    return this.changedHostKey.locator(`dt:text-is("${term}") + dd`);
  }

  /** The fingerprint the unknown-host-key prompt shows. */
  offeredFingerprint(): Locator {
    return this.unknownHostKey.locator('dt:text-is("Fingerprint") + dd');
  }
}
