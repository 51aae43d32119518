/**
 * Suspend and resume (merge patches of spec.suspend; resume waits for the object to be ready).
 */
import type { CommandFactory } from '../ctx';
import { actionMessage } from '../messages';
import { keyLabel } from '../targets';

export const suspend: CommandFactory = (ctx) => async (arg?: unknown) => {
  const t = await ctx.targetKey(arg, 'suspend', 'Flux: Suspend');
  if (!t) return;
  const rt = await ctx.runtime();
  const r = await ctx.withProgress(`Suspending ${keyLabel(t.key)}`, (signal) => rt.suspend(t.session.conn, t.key, { signal }));
  ctx.show(actionMessage(r));
};

export const resume: CommandFactory = (ctx) => async (arg?: unknown) => {
  const t = await ctx.targetKey(arg, 'resume', 'Flux: Resume');
  if (!t) return;
  const rt = await ctx.runtime();
  const r = await ctx.withProgress(`Resuming ${keyLabel(t.key)}`, (signal, report) =>
    rt.resume(t.session.conn, t.key, { timeoutMs: ctx.settings.reconcileTimeoutMs, signal, onProgress: report }));
  const failed = r.outcome === 'failed' || r.outcome === 'timeout';
  ctx.show(actionMessage(r, failed && r.object ? rt.explain(r.object) : undefined));
};
