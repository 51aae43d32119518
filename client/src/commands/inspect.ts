/**
 * Read-only views of one object: events, describe (virtual YAML document), explain failure.
 */
import * as vscode from 'vscode';
import type { CommandFactory } from '../ctx';
import { formatEvents } from '../format';
import { keyLabel } from '../targets';

let eventsChannel: vscode.OutputChannel | undefined;

export const showEvents: CommandFactory = (ctx) => async (arg?: unknown) => {
  const t = await ctx.targetKey(arg, 'any', 'Flux: Show Events');
  if (!t) return;
  const rt = await ctx.runtime();
  const events = await ctx.withProgress(`Events of ${keyLabel(t.key)}`, () => rt.listEvents(t.session.conn, t.key));
  if (!eventsChannel) {
    eventsChannel = vscode.window.createOutputChannel('Flux Workbench: Events');
    ctx.extension.subscriptions.push(eventsChannel);
  }
  eventsChannel.clear();
  eventsChannel.append(formatEvents(t.key, events));
  eventsChannel.show(true);
};

export const describe: CommandFactory = (ctx) => async (arg?: unknown) => {
  const t = await ctx.targetKey(arg, 'any', 'Flux: Describe');
  if (!t || !ctx.describe) return;
  const uri = ctx.describe.uriFor(t.session.context, t.key);
  ctx.describe.refresh(uri);
  const doc = await vscode.workspace.openTextDocument(uri);
  if (doc.languageId !== 'yaml') await vscode.languages.setTextDocumentLanguage(doc, 'yaml');
  await vscode.window.showTextDocument(doc, { preview: true });
};

export const explainFailure: CommandFactory = (ctx) => async (arg?: unknown) => {
  const t = await ctx.targetKey(arg, 'explain', 'Flux: Explain Failure');
  if (!t) return;
  const rt = await ctx.runtime();
  const e = await ctx.withProgress(`Explaining ${keyLabel(t.key)}`, async () => {
    const obj = await rt.getObject(t.session.conn, t.key);
    const events = await rt.listEvents(t.session.conn, t.key).catch(() => []);
    return rt.explain(obj, events);
  });
  ctx.log.append(rt.formatExplanation(e));
  ctx.log.show(true);
  if (e.state === 'ready') {
    ctx.show({ level: 'info', text: `${e.object} is ready: ${e.cause}${e.fix !== 'nothing to fix' ? `. ${e.fix}` : ''}` });
  } else {
    ctx.show({ level: e.state === 'reconciling' ? 'warning' : 'error', text: `${e.object}: ${e.cause}.${e.field ? ` Check ${e.field}:` : ''} ${e.fix}` });
  }
};
