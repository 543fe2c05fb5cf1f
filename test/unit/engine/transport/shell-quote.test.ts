import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { shellQuote } from '../../../../electron/engine/transport/transport';

const dir = mkdtempSync(join(tmpdir(), 'tidemark-quote-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const canary = join(dir, 'pwned');

const nasty = [
  '',
  'plain',
  'with space',
  "it's",
  "'",
  "''",
  '"double" quotes',
  `mixed '"' "'" quotes`,
  `$(touch ${canary})`,
  `\`touch ${canary}\``,
  `; touch ${canary}`,
  `| touch ${canary} &`,
  '$HOME ${PATH} $1 $@ $$',
  'back\\slash\\\\ and \\n',
  'new\nline\n',
  '\ttab\r\n',
  '*?[a-z] ~ ~root !! #comment',
  '-n',
  '--',
  'Ünïcødé 日本語 🐘',
  '/var/lib/postgresql/17/main/base/16384/2619_fsm',
];

for (const value of nasty) {
  test(`shellQuote round-trips ${JSON.stringify(value)} through sh -c`, () => {
    const out = execFileSync('sh', ['-c', `printf %s ${shellQuote(value)}`]);
    assert.equal(out.toString('utf8'), value);
    assert.equal(existsSync(canary), false, 'the quoted value ran a command');
  });
}

test('shellQuote keeps several arguments apart', () => {
  const args = ['a b', "c'd", '', 'e\nf'];
  const out = execFileSync('sh', ['-c', `printf '%s\\0' ${args.map(shellQuote).join(' ')}`]);
  assert.deepEqual(out.toString('utf8').split('\0').slice(0, -1), args);
});
