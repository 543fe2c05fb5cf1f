import type { Locator } from 'playwright';

/** Waits until the locator's text matches (node:test has no Playwright `expect`). */
export async function waitForText(locator: Locator, pattern: RegExp, timeoutMs = 15_000): Promise<string> {
  const end = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    last = (await locator.first().textContent({ timeout: Math.max(1, end - Date.now()) }).catch(() => '')) ?? '';
    if (pattern.test(last)) return last;
    if (Date.now() > end) throw new Error(`Timed out waiting for ${pattern} in ${locator}; last text: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The accessible description of a control (its validation error and help text), via aria-describedby. */
export function describedBy(control: Locator): Promise<string> {
  return control.evaluate((el) =>
    (el.getAttribute('aria-describedby') ?? '')
      .split(/\s+/)
      .filter(Boolean)
      .map((id) => document.getElementById(id)?.textContent ?? '')
      .join(' '),
  );
}
