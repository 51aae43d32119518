/**
 * Replays the minimized failures the fuzzer saved (test/fuzz/regressions/*.json): each must now analyse without
 * throwing, with every diagnostic and outline range inside the document and no blank outline name.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { inProcessProblem } from '../fuzz/fuzz';

const dir = path.resolve(__dirname, '../fuzz/regressions');
const cases = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort() : [];

describe('fuzz regressions', () => {
  it('has the saved cases', () => assert.ok(cases.length > 0, `no saved cases in ${dir}`));
  for (const name of cases) {
    const c = JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8')) as { class: string; problem: string; text: string };
    it(`${name} (${c.problem})`, () => {
      assert.equal(inProcessProblem(c.text), undefined);
    });
  }
});
