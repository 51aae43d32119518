/**
 * Several clusters at once: "Add Cluster" watches another kubeconfig context beside the current
 * one (its own root in the tree), "Remove Cluster" stops watching it.
 */
import * as vscode from 'vscode';
import type { ExplorerNode } from '../../../server/src/cluster/explorer-model';
import type { CommandFactory } from '../ctx';
import { errorMessage } from '../messages';

export const addCluster: CommandFactory = (ctx) => async () => {
  let contexts;
  try {
    contexts = await ctx.contexts();
  } catch (err) {
    ctx.show(errorMessage(err, 'Flux: Add Cluster'));
    return;
  }
  const shown = new Set(ctx.sessions().map((s) => s.context));
  const items = contexts.filter((c) => !shown.has(c.name)).map((c) => ({
    label: c.name, description: `${c.cluster} · ${c.user}`, detail: c.namespace ? `namespace ${c.namespace}` : undefined, name: c.name,
  }));
  if (items.length === 0) {
    ctx.show({ level: 'info', text: 'Flux: Add Cluster: every context of the kubeconfig is already shown.' });
    return;
  }
  if (!ctx.current) await ctx.ensureSession();
  const picked = await vscode.window.showQuickPick(items, { title: 'Flux: Add Cluster', placeHolder: 'Watch this context beside the current one (the kubeconfig is not changed)' });
  if (!picked) return;
  await ctx.addCluster(picked.name);
};

export const removeCluster: CommandFactory = (ctx) => async (arg?: unknown) => {
  const node = arg as Partial<ExplorerNode> | undefined;
  let name = node?.id?.startsWith('root:') ? node.id.slice('root:'.length) : undefined;
  if (name === undefined) {
    const items = [...ctx.extras.keys()].map((n) => ({ label: n }));
    if (items.length === 0) {
      ctx.show({ level: 'info', text: 'Flux: Remove Cluster: no cluster was added beside the current context.' });
      return;
    }
    name = (await vscode.window.showQuickPick(items, { title: 'Flux: Remove Cluster' }))?.label;
    if (!name) return;
  }
  if (!(await ctx.removeCluster(name))) {
    ctx.show({ level: 'warning', text: `Flux: Remove Cluster: ${name} is the current context; switch context instead (Flux: Select Kubernetes Context).` });
  }
};
