import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { ServerFacts, ServerView } from '../../../shared/models/server';
import { effectiveMode, exclusiveUnavailable } from '../../../renderer/features/backup/backup-mode';

const facts = (versionNum: number, role: ServerFacts['role']): ServerFacts => ({
  version: String(versionNum),
  versionNum,
  role,
  dataDirectory: '/d',
  systemIdentifier: '1',
  testedAt: '',
});
const server = (f?: ServerFacts, mode?: ServerView['mode']): ServerView =>
  ({ id: 's', name: 's', host: 'h', port: 5432, user: 'u', database: 'd', sslMode: 'prefer', transport: { kind: 'local' }, hasPassword: false, hasPassphrase: false, ...(f && { facts: f }), ...(mode && { mode }) }) as ServerView;

it('exclusive mode: allowed on a ≤14 primary, refused on 15+ or a standby, with the reason', () => {
  assert.equal(exclusiveUnavailable(server(facts(140023, 'primary'))), undefined);
  assert.match(exclusiveUnavailable(server(facts(150000, 'primary'))) ?? '', /PostgreSQL 15 has no exclusive/);
  assert.match(exclusiveUnavailable(server(facts(140023, 'standby'))) ?? '', /standby/);
  assert.equal(exclusiveUnavailable(server()), undefined, 'unknown until tested: the engine decides');
});

it('the effective mode falls back to concurrent when exclusive is not possible', () => {
  assert.equal(effectiveMode(server(facts(140023, 'primary'), 'exclusive'), 'concurrent'), 'exclusive');
  assert.equal(effectiveMode(server(facts(170000, 'primary'), 'exclusive'), 'concurrent'), 'concurrent');
  assert.equal(effectiveMode(server(facts(140023, 'primary')), 'exclusive'), 'exclusive');
});
