/**
 * server/src/lsp/memory.ts: the idle collection gives the freed pages back to the system (RSS), not only to
 * V8's heap: on Node 22 a plain gc() empties the heap but keeps the pages mapped (see memory.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { collectGarbage, MemoryReturn } from '../../server/src/lsp/memory';

const mb = (n: number): number => n / 1048576;

test('collectGarbage() returns the pages of a dropped 200 MB object graph to the system', () => {
  collectGarbage();
  const base = process.memoryUsage().rss;
  let keep: unknown[] | null = [];
  for (let i = 0; i < 120; i++) keep.push(Array.from({ length: 20000 }, (_, j) => ({ a: j, b: `x${j}` })));
  const peak = process.memoryUsage().rss;
  assert.ok(peak - base > 150 * 1048576, `the graph took ${mb(peak - base).toFixed(0)} MB of RSS`);
  keep = null;
  collectGarbage();
  const after = process.memoryUsage().rss;
  // Most of it comes back (other test files run alongside in this process's sandbox, so not to the byte).
  assert.ok(peak - after > 0.6 * (peak - base), `RSS ${mb(base).toFixed(0)} MB before, ${mb(peak).toFixed(0)} MB at the peak, ${mb(after).toFixed(0)} MB after the collection`);
});

test('MemoryReturn collects once after a burst of bytes, when idle, and not while busy', async () => {
  let runs = 0;
  const m = new MemoryReturn(20, () => { runs++; });
  m.note(512 * 1024);
  m.idle();
  await new Promise((r) => setTimeout(r, 60));
  assert.equal(runs, 0, 'below the burst size: no collection');
  m.note(1024 * 1024);
  m.idle();
  m.busy(); // new work: the pending collection waits for the next idle moment
  await new Promise((r) => setTimeout(r, 60));
  assert.equal(runs, 0);
  m.idle();
  await new Promise((r) => setTimeout(r, 60));
  assert.equal(runs, 1);
  m.idle();
  await new Promise((r) => setTimeout(r, 60));
  assert.equal(runs, 1, 'the count starts again after a collection');
  m.dispose();
});
