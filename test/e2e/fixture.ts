/**
 * The e2e fixture: a temp settings folder, the real engine, the browser-mode server in-process,
 * and Chromium opened at its URL, waiting for the renderer's readiness marker.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright';
import { createEngine, type Engine } from '../../electron/engine/engine';
import { startWebServer, type WebServer } from '../../electron/web/server';
import { buildRenderer } from '../../scripts/build-renderer.mjs';

export const SCREENSHOT_DIR = resolve(__dirname, '..', '..', 'test-results', 'screenshots');

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export interface AppFixture {
  readonly page: Page;
  readonly context: BrowserContext;
  readonly engine: Engine;
  readonly web: WebServer;
  readonly dir: string;
  readonly settingsPath: string;
  /** Uncaught page errors, console errors and CSP violations: a test should end with none. */
  readonly problems: string[];
  /**
   * Makes the engine's copies wait `ms` after each file (0: full speed), so a test that acts on a
   * running copy is not outrun by it: with compression a lab backup takes a second or two.
   */
  paceCopy(ms: number): void;
  screenshot(name: string): Promise<string>;
  close(): Promise<void>;
}

export interface AppOptions {
  /** Written before the engine starts (e.g. a malformed file). */
  readonly settingsText?: string;
  readonly viewport?: { readonly width: number; readonly height: number };
  readonly colorScheme?: 'light' | 'dark';
}

// One renderer build and one Chromium per test process.
let rendererDir: Promise<string> | undefined;
let browser: Promise<Browser> | undefined;
const cleanups: (() => void)[] = [];
process.once('exit', () => cleanups.forEach((c) => c()));

/** A private build of the renderer (a concurrent `npm run build` wipes dist/). */
function renderer(): Promise<string> {
  rendererDir ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tidemark-e2e-renderer-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    await buildRenderer(dir);
    return dir;
  })();
  return rendererDir;
}

export function launchChromium(): Promise<Browser> {
  browser ??= chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
  return browser;
}

/** Closes the shared Chromium; call from the test file's last `after`. */
export async function closeChromium(): Promise<void> {
  const b = browser;
  browser = undefined;
  await (await b)?.close();
}

export async function startApp(options: AppOptions = {}): Promise<AppFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'tidemark-e2e-'));
  const settingsPath = join(dir, 'settings', 'settings.json');
  mkdirSync(join(dir, 'settings'), { recursive: true });
  if (options.settingsText !== undefined) writeFileSync(settingsPath, options.settingsText);

  let engine: Engine | undefined;
  let web: WebServer | undefined;
  let context: BrowserContext | undefined;
  const close = async (): Promise<void> => {
    await context?.close().catch(() => undefined);
    await web?.close().catch(() => undefined);
    await engine?.close().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const staticDir = await renderer();
    let pace = 0;
    engine = createEngine({ settingsPath, shell: 'web', onFileCopied: () => (pace > 0 ? new Promise((r) => setTimeout(r, pace)) : undefined) });
    // Keep the catalog in the temp folder, not in the home directory (not possible read-only).
    if (options.settingsText === undefined) await engine.handlers['settings:update']({ backupRoot: join(dir, 'backups') });
    web = await startWebServer({ engine, host: '127.0.0.1', staticDir });
    context = await (await launchChromium()).newContext({
      viewport: options.viewport ?? { width: 1280, height: 800 },
      colorScheme: options.colorScheme ?? 'light',
      reducedMotion: 'reduce',
    });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console: ${m.text()}`);
    });
    await page.goto(web.url);
    await page.locator('[data-app-state="ready"]').waitFor({ timeout: 15_000 });
    const fixture: AppFixture = {
      page,
      context,
      engine,
      web,
      dir,
      settingsPath,
      problems,
      paceCopy: (ms) => {
        pace = ms;
      },
      async screenshot(name) {
        mkdirSync(SCREENSHOT_DIR, { recursive: true });
        const path = join(SCREENSHOT_DIR, `${name}.png`);
        await page.screenshot({ path, fullPage: false, animations: 'disabled' });
        return path;
      },
      close,
    };
    return fixture;
  } catch (e) {
    await close();
    throw e;
  }
}
