/**
 * Reconcile commands: plain, with source, and HelmRelease force / reset (flux CLI semantics,
 * implemented in the cluster core's actions.ts).
 */
import * as vscode from 'vscode';
import type { CommandFactory } from '../ctx';
import { actionMessage } from '../messages';
import { keyLabel, type Target } from '../targets';

function reconcileCommand(title: string, target: Target, opts: { withSource?: boolean; force?: boolean; reset?: boolean }): CommandFactory {
  return (ctx) => async (arg?: unknown) => {
    const t = await ctx.targetKey(arg, target, `Flux: ${title}`);
    if (!t) return;
    const rt = await ctx.runtime();
    const r = await ctx.withProgress(`${title} ${keyLabel(t.key)}`, (signal, report) =>
      rt.reconcile(t.session.conn, t.key, { ...opts, timeoutMs: ctx.settings.reconcileTimeoutMs, signal, onProgress: report }));
    const failed = r.outcome === 'failed' || r.outcome === 'timeout';
    const m = actionMessage(r, failed && r.object ? rt.explain(r.object) : undefined);
    if (!failed) { ctx.show(m); return; }
    // A failing reconcile offers the controller logs of the object and its source.
    ctx.log.appendLine(`[${m.level}] ${m.text}`);
    const choice = await vscode.window.showErrorMessage(m.text, 'Show Logs');
    if (choice === 'Show Logs') await vscode.commands.executeCommand('fluxWorkbench.showLogs', { key: t.key });
  };
}

export const reconcile = reconcileCommand('Reconcile', 'reconcile', {});
export const reconcileWithSource = reconcileCommand('Reconcile with source', 'withSource', { withSource: true });
export const forceHelmRelease = reconcileCommand('Force HelmRelease', 'helmrelease', { force: true });
export const resetHelmRelease = reconcileCommand('Reset HelmRelease', 'helmrelease', { reset: true });
