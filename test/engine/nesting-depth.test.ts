/**
 * nestingDepthExceeds (document/parse.ts) skips the character scan when a text has no flow brackets; that
 * shortcut must judge every text as the full scan does. A comment line holding `[` forces the full scan
 * without changing the depth, so each text is judged both ways.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { nestingDepthExceeds } from '../../server/src/engine/document/parse';
import { prng } from '../fuzz/mutate';

describe('nestingDepthExceeds', () => {
  it('judges bracket-free texts as the full scan does', () => {
    const r = prng(3);
    let over = 0;
    for (let n = 0; n < 2000; n++) {
      const lines: string[] = [];
      let indent = 0;
      for (let k = 0; k < 5 + Math.floor(r() * 60); k++) {
        indent = Math.max(0, indent + Math.floor(r() * 5) - 1);
        const dashes = r() < 0.3 ? '- '.repeat(1 + Math.floor(r() * 3)) : '';
        lines.push(r() < 0.1 ? '' : r() < 0.1 ? `${' '.repeat(indent)}# c` : `${' '.repeat(indent)}${dashes}k${k}: "v" # x`);
      }
      const text = lines.join(r() < 0.1 ? '\r\n' : '\n');
      const limit = 3 + Math.floor(r() * 30);
      const fast = nestingDepthExceeds(text, limit);
      if (fast) over++;
      assert.equal(fast, nestingDepthExceeds(`# [\n${text}`, limit), JSON.stringify({ text, limit }));
    }
    assert.ok(over > 200 && over < 1800, `${over} of 2000 texts over their limit: the cases do not test both answers`);
  });

  it('counts block levels and sequence entries', () => {
    const deep = Array.from({ length: 50 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n');
    assert.equal(nestingDepthExceeds(deep, 49), true);
    assert.equal(nestingDepthExceeds(deep, 50), false);
    assert.equal(nestingDepthExceeds('a:\n  - - - b\n', 3), true);
    assert.equal(nestingDepthExceeds('a:\n  - - - b\n', 5), false);
  });
});
