/**
 * Explorer filters, stored in the settings so they survive restarts: namespaces and failing-only.
 */
import * as vscode from 'vscode';
import { FLUX_KINDS } from '../../../server/src/engine/kinds';
import { writeSetting } from '../config';
import type { CommandFactory } from '../ctx';

export const filterNamespaces: CommandFactory = (ctx) => async () => {
  const session = await ctx.ensureSession();
  const names = new Set(ctx.settings.namespaces);
  if (session) {
    const snap = session.cache.snapshot();
    for (const k of FLUX_KINDS) for (const o of snap.objects(k.kind)) if (o.metadata.namespace) names.add(o.metadata.namespace);
  }
  if (names.size === 0) {
    ctx.show({ level: 'warning', text: 'Flux: Filter Namespaces: no namespaces with Flux objects yet.' });
    return;
  }
  const selected = new Set(ctx.settings.namespaces);
  const items = [...names].sort().map((n) => ({ label: n, picked: selected.has(n) }));
  const picked = await vscode.window.showQuickPick(items, { canPickMany: true, title: 'Flux: Show Namespaces', placeHolder: 'Select none to show all namespaces' });
  if (!picked) return;
  await writeSetting('explorer.namespaces', picked.map((p) => p.label));
};

export const toggleFailingOnly: CommandFactory = (ctx) => async () => {
  await writeSetting('explorer.failingOnly', !ctx.settings.failingOnly);
};
