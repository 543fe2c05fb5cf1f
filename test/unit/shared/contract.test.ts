import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EVENT_CHANNELS, REQUEST_CHANNELS, isEventChannel, isRequestChannel } from '../../../shared/contract';

describe('contract', () => {
  it('names every channel domain:verb', () => {
    for (const c of [...REQUEST_CHANNELS, ...EVENT_CHANNELS]) assert.match(c, /^[a-z]+:[a-z-]+$/);
  });
  it('allow-lists only declared channels', () => {
    assert.ok(isRequestChannel('servers:list'));
    assert.ok(!isRequestChannel('constructor'));
    assert.ok(!isRequestChannel('__proto__'));
    assert.ok(!isRequestChannel('job:progress'));
    assert.ok(isEventChannel('job:progress'));
    assert.ok(!isEventChannel('servers:list'));
  });
});
