/**
 * Check Decryption: runs the decrypt-check (cluster/decrypt) over the first workspace folder, live when a
 * cluster session exists (always for a tree item), and shows a read-only report document plus Problems
 * entries on the encrypted files. Only public facts reach the editor.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { DecryptReport } from '../../../server/src/cluster/decrypt';
import type { ObjectKey } from '../../../server/src/cluster/types';
import type { CommandFactory, Ctx } from '../ctx';
import { keyLabel } from '../targets';

export const DECRYPT_SCHEME = 'flux-decrypt';

class ReportDocs implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private text = '';
  private readonly emitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.emitter.event;
  readonly uri = vscode.Uri.parse(`${DECRYPT_SCHEME}:/SOPS decryption report.txt`);
  readonly diagnostics = vscode.languages.createDiagnosticCollection('flux-sops');
  set(text: string): void { this.text = text; this.emitter.fire(this.uri); }
  provideTextDocumentContent(): string { return this.text; }
  dispose(): void { this.emitter.dispose(); this.diagnostics.dispose(); }
}

const docs = new WeakMap<Ctx, ReportDocs>();
function reportDocs(ctx: Ctx): ReportDocs {
  let d = docs.get(ctx);
  if (!d) {
    d = new ReportDocs();
    docs.set(ctx, d);
    ctx.extension.subscriptions.push(d, vscode.workspace.registerTextDocumentContentProvider(DECRYPT_SCHEME, d));
  }
  return d;
}

const SEVERITY = { error: 0, warning: 1, info: 2 } as const;

/** Problems entries per file (0-based lines; severity error/warning/information). */
export function diagnosticsOf(r: DecryptReport): Map<string, Array<{ line: number; severity: 0 | 1 | 2; code: string; message: string }>> {
  const out = new Map<string, Array<{ line: number; severity: 0 | 1 | 2; code: string; message: string }>>();
  for (const f of r.files) {
    out.set(f.file, f.findings.map((x) => ({ line: x.line, severity: SEVERITY[x.severity], code: x.code, message: x.message })));
  }
  return out;
}

export const checkDecryption: CommandFactory = (ctx) => async (arg?: unknown) => {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) { ctx.show({ level: 'warning', text: 'Flux: Check Decryption needs an open folder (the Git repository Flux reconciles).' }); return; }
  const node = arg as { key?: ObjectKey } | undefined;
  const only = node && typeof node === 'object' && node.key?.kind === 'Kustomization' ? [node.key] : undefined;
  const session = only ? await ctx.ensureSession() : ctx.current;
  if (only && !session) return;
  const rt = await ctx.runtime();
  const root = folder.uri.fsPath;
  const report = await ctx.withProgress(`Checking SOPS decryption${only ? ` for ${keyLabel(only[0])}` : ''}`, () =>
    rt.decryptCheck({ root, only, cluster: session ? { conn: session.conn, context: session.context } : undefined }));
  const d = reportDocs(ctx);
  d.set(rt.formatDecryptReport({ ...report, notes: [...report.notes, ...report.problems] },
    `SOPS decryption check of ${root}${session ? ` (live: context ${session.context})` : ' (offline: no cluster connection)'}`));
  d.diagnostics.clear();
  for (const [file, list] of diagnosticsOf(report)) {
    d.diagnostics.set(vscode.Uri.file(path.join(root, file)), list.map((x) => {
      const diag = new vscode.Diagnostic(new vscode.Range(x.line, 0, x.line, 200), x.message, x.severity as vscode.DiagnosticSeverity);
      diag.source = 'Flux SOPS';
      diag.code = x.code;
      return diag;
    }));
  }
  const doc = await vscode.workspace.openTextDocument(d.uri);
  await vscode.window.showTextDocument(doc, { preview: true });
  const bad = report.files.filter((f) => !f.decryptableWhereApplied).length;
  if (report.files.length === 0) ctx.show({ level: 'info', text: `Flux: ${report.notes[0] ?? 'nothing to check'}` });
  else if (bad === 0) ctx.show({ level: 'info', text: `Flux: all ${report.files.length} SOPS file(s) can be decrypted where they are applied${session ? '' : ' (offline check)'}.` });
  else ctx.show({ level: 'error', text: `Flux: ${bad} of ${report.files.length} SOPS file(s) cannot be decrypted where they are applied; see the report and the Problems view.` });
};
