/**
 * Cluster-level commands: context picker, flux check, refresh.
 */
import * as vscode from 'vscode';
import type { CommandFactory } from '../ctx';
import { errorMessage } from '../messages';

export const selectContext: CommandFactory = (ctx) => async () => {
  let contexts;
  try {
    contexts = await ctx.contexts();
  } catch (err) {
    ctx.show(errorMessage(err, 'Flux: Select Context'));
    return;
  }
  if (contexts.length === 0) {
    ctx.show({ level: 'error', text: 'Flux: Select Context: the kubeconfig has no contexts. Add one, or point fluxWorkbench.kubeconfig at another file.' });
    return;
  }
  const active = ctx.contextName;
  const items = contexts.map((c) => ({
    label: c.name === active ? `$(check) ${c.name}` : c.name,
    description: `${c.cluster} · ${c.user}${c.current ? ' · kubeconfig current' : ''}`,
    detail: c.namespace ? `namespace ${c.namespace}` : undefined,
    name: c.name,
  }));
  const picked = await vscode.window.showQuickPick(items, { title: 'Flux: Select Kubernetes Context', placeHolder: 'The kubeconfig file is not changed' });
  if (!picked) return;
  await ctx.switchContext(picked.name);
};

let checkChannel: vscode.OutputChannel | undefined;

export const fluxCheck: CommandFactory = (ctx) => async () => {
  const session = await ctx.ensureSession();
  if (!session) {
    ctx.show({ level: 'error', text: `Flux: Check: no cluster connection (${ctx.problem ?? 'no context'}). Select a context first.` });
    return;
  }
  const rt = await ctx.runtime();
  const r = await ctx.withProgress(`Checking Flux in ${session.context}`, () => rt.checkFlux(session.conn));
  session.check = r;
  ctx.refreshViews();
  if (!checkChannel) {
    checkChannel = vscode.window.createOutputChannel('Flux Workbench: Check');
    ctx.extension.subscriptions.push(checkChannel);
  }
  checkChannel.clear();
  checkChannel.append(`context ${session.context}\n${rt.formatCheck(r)}`);
  checkChannel.show(true);
  ctx.show(r.ok ? { level: 'info', text: `Flux check passed in ${session.context}: ${r.summary}` }
    : { level: 'error', text: `Flux check failed in ${session.context}: ${r.problems[0] ?? r.summary}` });
};

export const refresh: CommandFactory = (ctx) => async () => {
  // Re-reads the kubeconfig files: a context changed on disk (rotated token, new server) reconnects;
  // otherwise every cluster probes the API server now and re-runs the check.
  await ctx.refreshAll();
};
