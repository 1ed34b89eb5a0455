import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { baseShaFromContextDescription, contextDescriptionWithBaseSha } from '../../src/api/status-description.js';

const SHA = 'a'.repeat(40);

describe('BaseSHA status description codec', () => {
  it('left-pads the BaseSHA suffix with U+2001 exactly as Go does', () => {
    // Go's loop re-reads the growing length (U+2001 is 3 bytes): 63 bytes + 20 pads = 123 bytes.
    const d = contextDescriptionWithBaseSha('Job succeeded.', SHA);
    assert.equal(d, `Job succeeded.${'\u2001'.repeat(20)} BaseSHA:${SHA}`);
    assert.equal(d.split(' BaseSHA:')[1], SHA, 'tide can read the SHA back');
  });
  it('cuts a long description in the middle to fit', () => {
    const long = 'x'.repeat(100) + 'y'.repeat(100);
    const d = contextDescriptionWithBaseSha(long, SHA);
    assert.ok(Buffer.byteLength(d) <= 140);
    assert.match(d, /^x+ \.\.\. y+ BaseSHA:a{40}$/);
    assert.equal(contextDescriptionWithBaseSha('short', ''), 'short');
    assert.equal(contextDescriptionWithBaseSha('z'.repeat(150), '').length, 140 - ((140 - 5) % 2));
  });
  it('decodes what it encodes, for every description length', () => {
    for (const len of [0, 1, 50, 90, 91, 92, 100, 139, 140, 200]) {
      const d = contextDescriptionWithBaseSha('d'.repeat(len), SHA);
      assert.ok(Buffer.byteLength(d) <= 140, `length ${len}`);
      assert.equal(baseShaFromContextDescription(d), SHA, `length ${len}`);
    }
    assert.equal(baseShaFromContextDescription(contextDescriptionWithBaseSha('Job succeeded. ééé', SHA)), SHA);
  });
  it('decodes nothing from descriptions without exactly one well-formed suffix', () => {
    assert.equal(baseShaFromContextDescription('Job succeeded.'), '');
    assert.equal(baseShaFromContextDescription(contextDescriptionWithBaseSha('Job succeeded.', '')), '');
    assert.equal(baseShaFromContextDescription(` BaseSHA:${'a'.repeat(39)}`), '', 'not 40 characters');
    assert.equal(baseShaFromContextDescription(`x BaseSHA:${SHA} BaseSHA:${SHA}`), '', 'two delimiters');
    assert.equal(baseShaFromContextDescription(`BaseSHA:${SHA}`), '', 'no leading space');
  });
});
