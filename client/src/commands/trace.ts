/**
 * "Trace" on any object shown under an inventory or a Helm release (and on Flux objects): owner
 * references up to the Flux object that applied it, then its sources, each with its status, like
 * `flux trace`. The report goes to the "Flux Workbench: Trace" output channel.
 */
import * as vscode from 'vscode';
import type { ExplorerNode } from '../../../server/src/cluster/explorer-model';
import { findKind } from '../../../server/src/engine/kinds';
import type { CommandFactory } from '../ctx';

let channel: vscode.OutputChannel | undefined;

export const trace: CommandFactory = (ctx) => async (arg?: unknown) => {
  const node = arg as Partial<ExplorerNode> | undefined;
  const info = node?.key ? findKind(node.key.kind) : undefined;
  const target = node?.ref ?? (node?.key && info ? { apiVersion: `${info.group}/${info.current}`, kind: info.kind, name: node.key.name, namespace: node.key.namespace } : undefined);
  if (!target) {
    ctx.show({ level: 'warning', text: 'Flux: Trace: pick an object in the Flux explorer (an entry under a Kustomization or HelmRelease, or a Flux object).' });
    return;
  }
  const session = ctx.sessionFor(node) ?? await ctx.ensureSession();
  if (!session) {
    ctx.show({ level: 'error', text: `Flux: Trace: no cluster connection (${ctx.problem ?? 'no context'}). Select a context first.` });
    return;
  }
  const rt = await ctx.runtime();
  const label = `${target.kind} ${target.namespace ? `${target.namespace}/` : ''}${target.name}`;
  const r = await ctx.withProgress(`Tracing ${label}`, () => rt.trace(session.conn, target));
  if (!channel) {
    channel = vscode.window.createOutputChannel('Flux Workbench: Trace');
    ctx.extension.subscriptions.push(channel);
  }
  channel.clear();
  channel.append(`context ${session.context}\n${rt.formatTrace(r)}`);
  channel.show(true);
  if (!r.manager) ctx.show({ level: 'warning', text: `Flux: Trace: ${label} is not managed by Flux.` });
};
