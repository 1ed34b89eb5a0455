import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deliveryJobName } from '../../../src/plugins/shared/prowjob-name.js';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('deliveryJobName', () => {
  it('is UUID-shaped (RFC 9562 version 8, variant 10) and a valid object name', () => {
    assert.match(deliveryJobName('d1', 'pull-unit', 'a'.repeat(40)), UUID_RE);
  });

  it('is the same for the same (delivery, job, SHA) and differs when any one changes', () => {
    const base = deliveryJobName('d1', 'pull-unit', 'a'.repeat(40));
    assert.equal(deliveryJobName('d1', 'pull-unit', 'a'.repeat(40)), base);
    const others = [
      deliveryJobName('d2', 'pull-unit', 'a'.repeat(40)),
      deliveryJobName('d1', 'pull-e2e', 'a'.repeat(40)),
      deliveryJobName('d1', 'pull-unit', 'b'.repeat(40)),
    ];
    assert.equal(new Set([base, ...others]).size, 4);
  });

  it('cannot be collided by moving a boundary between the parts', () => {
    assert.notEqual(deliveryJobName('ab', 'c', 'sha'), deliveryJobName('a', 'bc', 'sha'));
  });
});
