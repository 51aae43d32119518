/**
 * Giving memory back: V8 keeps the pages of a large heap (the parse trees of a 10 MB file, the garbage of a
 * workspace's worth of analyses) until a full collection, which an idle language server may not run for a long
 * time. After such bursts, once the analyses are done, one collection runs while the server is idle.
 *
 * Which collection matters for RSS. On Node 22 (V8 12) a plain full collection (`gc()`) empties the heap but
 * keeps the freed pages mapped, pooled for reuse: measured on the server after a 7 MB file closed, the JS heap
 * went back to 25 MB while RSS stayed at 340 MB (99 MB before the open). A "last resort" collection (the one
 * V8 runs before giving up on an allocation: memory-reducing, it releases the pooled pages) brings RSS back.
 * Node 20's gc() ignores that option, but there the pages a full collection freed are released by the next
 * one; so the last-resort collection runs, then two plain ones (measured on both: a dropped 170 MB graph gives
 * back all but ~5 MB; the three take 0.1–0.3 s on this loaded machine, while the server is idle). Those pages
 * V8 maps itself, so malloc's settings do not change them; what V8's worker threads allocate through malloc
 * is the other part, and the server's process gets malloc tunables for it (malloc-env.ts).
 */
import * as v8 from 'node:v8';
import * as vm from 'node:vm';

let gcFn: ((options?: { type: 'major'; execution: 'sync'; flavor: 'last-resort' }) => void) | undefined;
let tried = false;

/** Runs a full garbage collection when the runtime allows it (a no-op otherwise). */
export function collectGarbage(): void {
  try {
    if (!tried) {
      tried = true;
      v8.setFlagsFromString('--expose-gc');
      gcFn = vm.runInNewContext('gc') as typeof gcFn;
    }
    if (!gcFn) return;
    gcFn({ type: 'major', execution: 'sync', flavor: 'last-resort' });
    gcFn();
    gcFn();
  } catch {
    gcFn = undefined;
  }
}

/** Bytes of text analysed or closed since the last collection past which an idle moment triggers one. */
export const BURST_BYTES = 1024 * 1024;

/** Counts the text bytes the server has dropped or churned through and collects when idle past BURST_BYTES. */
export class MemoryReturn {
  private bytes = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly idleMs = 500, private readonly collect: () => void = collectGarbage) {}

  note(bytes: number): void {
    this.bytes += bytes;
  }

  /** Called when no analysis is running: schedules a collection if enough was churned (cancelled by new work). */
  idle(): void {
    if (this.bytes < BURST_BYTES || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.bytes = 0;
      this.collect();
    }, this.idleMs);
    this.timer.unref();
  }

  /** New work started: a pending collection waits for the next idle moment. */
  busy(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  dispose(): void {
    this.busy();
  }
}
