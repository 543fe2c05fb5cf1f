/** The desktop shell starts and its renderer reaches the ready marker. Needs the Electron binary. */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { it } from 'node:test';
import { _electron } from 'playwright';

function electronBinary(): string | undefined {
  try {
    // The electron package exports the binary's path, and throws when it was never downloaded.
    const path = require('electron') as unknown;
    return typeof path === 'string' && existsSync(path) ? path : undefined;
  } catch {
    return undefined;
  }
}

it('the Electron app starts and its window becomes ready', { timeout: 120_000 }, async (t) => {
  const executablePath = electronBinary();
  if (!executablePath) {
    t.skip('Electron binary not installed (ELECTRON_SKIP_BINARY_DOWNLOAD) — smoke test skipped');
    return;
  }
  const main = resolve(__dirname, '..', '..', 'dist', 'electron', 'main.cjs');
  if (!existsSync(main)) throw new Error(`${main} is missing: run npm run build first`);
  const dir = mkdtempSync(join(tmpdir(), 'tidemark-electron-'));
  const app = await _electron.launch({
    executablePath,
    // A fresh userData folder: the shell keeps settings.json there.
    args: ['--no-sandbox', '--disable-gpu', main, `--user-data-dir=${dir}`],
    timeout: 60_000,
  });
  try {
    const window = await app.firstWindow();
    await window.locator('[data-app-state="ready"]').waitFor({ timeout: 30_000 });
  } finally {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
