import type { CheckResult, CheckStatus } from '../../../shared/models/check';

const WORD: Readonly<Record<CheckStatus, string>> = { ok: 'OK', warning: 'WARNING', failed: 'FAILED', skipped: 'SKIPPED' };

/**
 * Barman-style lines for the CLI: `name: OK`, `name: FAILED (hint)`, `name: WARNING (detail)`.
 * A failed check's detail follows on an indented line, since the hint alone rarely says what
 * was found.
 */
export function formatChecks(results: readonly CheckResult[]): string {
  const lines: string[] = [];
  for (const r of results) {
    const word = WORD[r.status];
    if (r.status === 'ok') {
      lines.push(`${r.title}: ${word}`);
    } else if (r.status === 'failed') {
      lines.push(`${r.title}: ${word} (${oneLine(r.hint ?? r.detail)})`);
      if (r.hint) lines.push(`    ${oneLine(r.detail)}`);
    } else {
      lines.push(`${r.title}: ${word} (${oneLine(r.detail)})`);
    }
  }
  return lines.join('\n');
}

const oneLine = (text: string): string => text.replace(/\s*\n\s*/g, ' ').trim();
