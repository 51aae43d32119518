/**
 * closest() (schema/validate.ts) takes a single pass with a bounded edit distance; it must pick what a pass over
 * the sorted candidates with the full distance picks (the definition it replaced), on seeded random words.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { closest, editDistance } from '../../server/src/engine/schema/validate';
import { prng } from '../fuzz/mutate';

function reference(word: string, candidates: readonly string[]): string | undefined {
  const w = word.toLowerCase();
  const limit = Math.min(2, Math.max(1, Math.floor(w.length / 3)));
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of [...candidates].sort()) {
    if (c === word) continue;
    const d = editDistance(w, c.toLowerCase());
    if (d <= limit && d < bestD) { best = c; bestD = d; }
  }
  return best;
}

describe('closest', () => {
  it('picks what the sorted full-distance pass picks', () => {
    const r = prng(7);
    const alphabet = 'abcAB-';
    const word = (): string => Array.from({ length: 1 + Math.floor(r() * 9) }, () => alphabet[Math.floor(r() * alphabet.length)]).join('');
    let found = 0;
    for (let n = 0; n < 4000; n++) {
      const w = word();
      const cands = Array.from({ length: Math.floor(r() * 12) }, word);
      // Near misses of the word too, so that many lookups do find something.
      for (let k = 0; k < 3; k++) {
        const i = Math.floor(r() * (w.length + 1));
        cands.push(w.slice(0, i) + alphabet[Math.floor(r() * alphabet.length)] + w.slice(i + (r() < 0.5 ? 1 : 0)));
      }
      const want = reference(w, cands);
      if (want !== undefined) found++;
      assert.equal(closest(w, cands), want, `${w} in ${JSON.stringify(cands)}`);
    }
    assert.ok(found > 1000, `only ${found} lookups found a candidate`);
  });
});
