/**
 * The short deterministic fuzz run inside `npm test` (test/fuzz/fuzz.ts: the same harness as `npm run fuzz`):
 * 2,000 mutated inputs over LSP stdio, seed 11, without the multi-MB and the costly mutations (the long run has
 * them), and the saved LSP-level regressions (test/fuzz/regressions/lsp/*.json) replayed over stdio.
 *
 * Asserted: no crash, no error response, no logged error, diagnostics and result ranges inside the document, and
 * every request answered within 1 s (files under 1 MB) or 10 s (any file). The product targets are 200 ms / 2 s;
 * `npm run fuzz` and the bench check those. Here the suite shares 2 cores with the other test files (the test
 * runner runs two at once) and, in CI or on this machine, with other work: a request that takes 60 ms alone
 * took 250–400 ms under that load in the runs that tuned this test, so 5 times the target keeps the test about
 * the server blocking (a hang, a synchronous multi-second parse) rather than about the machine's load.
 *
 * Not asserted here: RSS under churn (measured and printed; `npm run fuzz` fails on it).
 *
 * Run time on this 2-core machine: 8 s with light load, 21 s and 41 s with load averages of 9 and 15 (other
 * sessions' work); the 240 s timeout is for a CI runner slower still.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { replayLspCase, runFuzz, type LspCase } from '../fuzz/fuzz';
import { LspClient } from './lsp-client';

const LSP_CASES = path.resolve(__dirname, '../fuzz/regressions/lsp');

describe('fuzz regressions over LSP stdio', () => {
  const names = fs.existsSync(LSP_CASES) ? fs.readdirSync(LSP_CASES).filter((f) => f.endsWith('.json')).sort() : [];
  test('has the saved LSP cases', () => assert.ok(names.length > 0));
  for (const name of names) {
    const c = JSON.parse(fs.readFileSync(path.join(LSP_CASES, name), 'utf8')) as LspCase;
    test(`${name} (${c.problem.slice(0, 80)}…)`, { timeout: 60000 }, async () => {
      const client = new LspClient();
      try {
        await client.initialize({ debounceMs: 0 });
        assert.deepEqual(await replayLspCase(client, c, 2000), []);
      } finally {
        await client.shutdown();
      }
    });
  }
});

test('2,000 fuzzed inputs over LSP stdio: no crash, no error, well-formed and timely results', { timeout: 240000 }, async (t) => {
  const t0 = Date.now();
  const res = await runFuzz({ count: 2000, seed: 11, big: false, medium: false, limitSmall: 1000, limitAny: 10000 });
  t.diagnostic(`${res.requests} requests in ${((Date.now() - t0) / 1000).toFixed(1)} s; RSS ${res.rssStartMb.toFixed(0)} MB after warm-up, ${res.rssEndMb.toFixed(0)} MB after closing everything`);
  assert.equal(res.inputs, 2000);
  assert.ok(res.requests >= 2000, `${res.requests} requests answered`);
  const failures = res.failures.filter((f) => f.class !== 'rss');
  assert.deepEqual(failures.map((f) => `#${f.input} ${f.class}: ${f.detail} [${f.mutations.join(', ')}]`), []);
});
