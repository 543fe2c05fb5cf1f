import type { Locator, Page } from 'playwright';

/** The shell: top bar, app-wide banners and the server list. */
export class AppPage {
  readonly sidebar: Locator;
  readonly addServer: Locator;
  readonly settingsProblem: Locator;
  readonly browserModeNote: Locator;

  constructor(readonly page: Page) {
    this.sidebar = page.getByRole('navigation', { name: 'Servers' });
    this.addServer = this.sidebar.getByRole('button', { name: 'Add server', exact: true });
    this.settingsProblem = page.getByRole('alert').filter({ hasText: 'Read-only' });
    this.browserModeNote = page.getByTestId('browser-mode-note');
  }

  /** A server's entry in the list (its button carries name, address and badges). */
  serverItem(name: string): Locator {
    return this.sidebar.getByRole('listitem').filter({ has: this.page.getByText(name, { exact: true }) });
  }

  serverNames(): Promise<string[]> {
    return this.sidebar.locator('.server-item-name').allTextContents();
  }

  async openServer(name: string): Promise<void> {
    // The item itself comes first; the selected one also has Edit and Delete… below it.
    await this.serverItem(name).getByRole('button').first().click();
    await this.page.getByRole('heading', { level: 1, name, exact: true }).waitFor();
  }
}
