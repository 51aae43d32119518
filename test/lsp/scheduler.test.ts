/**
 * The analysis scheduler (server/src/lsp/scheduler.ts): analyses run in slices with the event loop free in
 * between, a newer version cancels the older analysis, jobs take turns, and the debounce adapts.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AnalysisScheduler, HOLD_MAX_MS, type AnalysisJob } from '../../server/src/lsp/scheduler';

const busy = (ms: number): void => { const t = performance.now(); while (performance.now() - t < ms) { /* work */ } };
const tick = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('AnalysisScheduler', () => {
  it('lets timers and I/O run between slices of a long analysis', async () => {
    const log: string[] = [];
    const s = new AnalysisScheduler({
      debounceMs: 0, sliceMs: 5,
      start: () => (function* (): AnalysisJob { for (let i = 0; i < 20; i++) { busy(3); yield; } log.push('done'); })(),
    });
    s.schedule('a');
    const gaps: number[] = [];
    let last = performance.now();
    const iv = setInterval(() => { const now = performance.now(); gaps.push(now - last); last = now; }, 1);
    while (!log.includes('done')) await tick(2);
    clearInterval(iv);
    assert.ok(gaps.length >= 5, `the interval ran ${gaps.length} times during a 60 ms analysis`);
    s.dispose();
  });

  it('cancels the analysis of an older version: its generator is closed and never finishes', async () => {
    const events: string[] = [];
    let n = 0;
    let started = false;
    const s = new AnalysisScheduler({
      debounceMs: 0, sliceMs: 2,
      start: () => {
        const v = ++n;
        return (function* (): AnalysisJob {
          try {
            started = true;
            // The first version never finishes by itself: only a cancellation ends it.
            while (v === 1) yield;
            for (let i = 0; i < 3; i++) yield;
            events.push(`done ${v}`);
          } finally {
            events.push(`closed ${v}`);
          }
        })();
      },
    });
    s.schedule('a');
    while (!started) await tick(1);
    assert.ok(s.busy('a'));
    s.schedule('a');
    while (s.busy('a')) await tick(2);
    assert.deepEqual(events, ['closed 1', 'done 2', 'closed 2']);
    s.dispose();
  });

  it('gives every pending document a turn: a big file does not hold up a small one', async () => {
    const done: string[] = [];
    const job = (name: string, steps: number) => (function* (): AnalysisJob { for (let i = 0; i < steps; i++) { busy(2); yield; } done.push(name); })();
    const s = new AnalysisScheduler({ debounceMs: 0, sliceMs: 2, start: (uri) => job(uri, uri === 'big' ? 100 : 2) });
    s.schedule('big', 0);
    await tick(1);
    s.schedule('small', 0);
    while (done.length < 2) await tick(2);
    assert.deepEqual(done, ['small', 'big']);
    s.dispose();
  });

  it('waits twice the last analysis time, within [2 ms, debounce]', async () => {
    // A deterministic clock: each step of the job costs `cost` ms of it.
    let clock = 0;
    let cost = 10;
    const s = new AnalysisScheduler({ debounceMs: 50, sliceMs: 100, now: () => clock, start: () => (function* (): AnalysisJob { clock += cost; })() });
    assert.equal(s.delayFor('a'), 50, 'no analysis yet: the configured debounce');
    s.schedule('a', 0);
    while (s.busy('a')) await tick(2);
    assert.equal(s.delayFor('a'), 20);
    cost = 40;
    s.schedule('a', 0);
    while (s.busy('a')) await tick(2);
    assert.equal(s.delayFor('a'), 50, 'capped at the debounce');
    cost = 0.1;
    s.schedule('a', 0);
    while (s.busy('a')) await tick(2);
    assert.equal(s.delayFor('a'), 2, 'never below 2 ms');
    s.forget('a');
    assert.equal(s.delayFor('a'), 50);
    s.dispose();
  });
  it('progress() resolves at each slice and at the end of a document\'s analysis, at once when nothing is pending', async () => {
    let steps = 0;
    const s = new AnalysisScheduler({ debounceMs: 0, sliceMs: 1, start: () => (function* (): AnalysisJob { for (let i = 0; i < 5; i++) { busy(2); steps++; yield; } })() });
    await s.progress('a'); // nothing pending: resolves
    s.schedule('a', 0);
    let events = 0;
    while (s.busy('a')) { await s.progress('a'); events++; }
    assert.equal(steps, 5);
    assert.ok(events >= 2 && events <= 6, `${events} progress events for a 5-slice analysis`);
    // Forgetting a document releases its waiters.
    s.schedule('b', 10_000);
    const waiting = s.progress('b');
    s.forget('b');
    await waiting;
    assert.equal(s.busy('b'), false);
    s.dispose();
  });

  it('expedite() starts an analysis waiting for its debounce at once', async () => {
    const done: string[] = [];
    const s = new AnalysisScheduler({ debounceMs: 10_000, start: (uri) => (function* (): AnalysisJob { done.push(uri); })() });
    s.schedule('a');
    const t0 = performance.now();
    s.expedite('a');
    while (s.busy('a')) await s.progress('a');
    assert.deepEqual(done, ['a']);
    assert.ok(performance.now() - t0 < 5000, 'did not wait for the 10 s debounce');
    s.expedite('nothing-pending'); // a no-op
    s.dispose();
  });

  it('runs no slice while hold() is true (an answer is being written), and goes on when it turns false', async () => {
    let held = true;
    let steps = 0;
    const s = new AnalysisScheduler({
      debounceMs: 0, sliceMs: 2, hold: () => held,
      start: () => (function* (): AnalysisJob { for (let i = 0; i < 5; i++) { steps++; yield; } })(),
    });
    s.schedule('a');
    await tick(HOLD_MAX_MS / 2);
    assert.equal(steps, 0, 'no step ran while held');
    held = false;
    while (s.busy('a')) await tick(1);
    assert.equal(steps, 5);
    s.dispose();
  });

  it('a hold that never ends delays the analysis by HOLD_MAX_MS per turn, never stops it', async () => {
    const turns: number[] = [];
    const t0 = performance.now();
    const s = new AnalysisScheduler({
      debounceMs: 0, sliceMs: 1, hold: () => true,
      // Each step takes longer than the slice, so each turn runs exactly one step.
      start: () => (function* (): AnalysisJob { for (let i = 0; i < 3; i++) { busy(2); turns.push(performance.now() - t0); yield; } })(),
    });
    s.schedule('a');
    while (s.busy('a')) await tick(5);
    assert.equal(turns.length, 3);
    // The first turn waited one whole hold, and each later one another.
    assert.ok(turns[0]! >= HOLD_MAX_MS, `first step at ${turns[0]!.toFixed(0)} ms`);
    assert.ok(turns[2]! - turns[0]! >= 2 * HOLD_MAX_MS, `third step ${(turns[2]! - turns[0]!).toFixed(0)} ms after the first`);
    s.dispose();
  });
});
