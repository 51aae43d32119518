/**
 * "Open definition in workspace": finds the YAML that defines the object among the workspace's
 * YAML files (the engine's workspace index does the matching) and opens it at metadata.name.
 */
import * as vscode from 'vscode';
import type { IndexedObject } from '../../../server/src/engine/index';
import type { CommandFactory } from '../ctx';
import { keyLabel } from '../targets';
import { loadDeferred } from '../load-deferred';

const MAX_FILES = 5000;
const MAX_BYTES = 2 * 1024 * 1024;

export const openDefinition: CommandFactory = (ctx) => async (arg?: unknown) => {
  const t = await ctx.targetKey(arg, 'any', 'Flux: Open Definition in Workspace');
  if (!t) return;
  const key = t.key;
  if (!vscode.workspace.workspaceFolders?.length) {
    ctx.show({ level: 'warning', text: `${keyLabel(key)}: open the folder with your Flux manifests to find its definition.` });
    return;
  }
  const found = await ctx.withProgress(`Searching the workspace for ${keyLabel(key)}`, async (signal) => {
    const { WorkspaceIndex } = loadDeferred(); // not in the entry bundle (see deferred.ts)
    const index = new WorkspaceIndex();
    const open = new Map(vscode.workspace.textDocuments.map((d) => [d.uri.toString(), d]));
    const files = await vscode.workspace.findFiles('**/*.{yaml,yml}', '{**/node_modules/**,**/.git/**}', MAX_FILES);
    for (const uri of files) {
      if (signal.aborted) return [];
      const doc = open.get(uri.toString());
      let text: string;
      if (doc) {
        text = doc.getText();
      } else {
        try {
          const bytes = await vscode.workspace.fs.readFile(uri);
          if (bytes.byteLength > MAX_BYTES) continue;
          text = new TextDecoder().decode(bytes);
        } catch {
          continue;
        }
      }
      if (!text.includes(key.name)) continue; // cheap pre-filter: the name must appear somewhere
      index.update(uri.toString(), text);
    }
    const exact = index.resolve({ kind: key.kind, namespace: key.namespace || undefined, name: key.name });
    return exact.length ? exact : index.findByKindName(key.kind, key.name);
  });
  if (found.length === 0) {
    ctx.show({ level: 'warning', text: `${keyLabel(key)}: no YAML in the workspace defines kind ${key.kind} with metadata.name ${key.name}.` });
    return;
  }
  let target: IndexedObject | undefined = found[0];
  if (found.length > 1) {
    const picked = await vscode.window.showQuickPick(found.map((o) => ({
      label: vscode.workspace.asRelativePath(vscode.Uri.parse(o.uri)),
      description: `${o.kind} ${o.namespace ?? '(no namespace)'}/${o.name} · line ${o.nameRange.start.line + 1}`,
      o,
    })), { title: `${keyLabel(key)} is defined in ${found.length} places` });
    target = picked?.o;
  }
  if (!target) return;
  const r = target.nameRange;
  const range = new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);
  await vscode.window.showTextDocument(vscode.Uri.parse(target.uri), { selection: range, preview: false });
};
