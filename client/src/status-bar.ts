/**
 * The status-bar item: `$(cloud) <context>` and the Flux health summary; click to switch context.
 */
import * as vscode from 'vscode';
import type { Ctx } from './ctx';
import { clusterSummary, statusText } from './status-model';
import { failingCount } from './targets';

export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('fluxWorkbench.context', vscode.StatusBarAlignment.Left, 10);
  private readonly sub: vscode.Disposable;

  constructor(private readonly ctx: Ctx) {
    this.item.name = 'Flux Workbench: Kubernetes context';
    this.item.command = 'fluxWorkbench.selectContext';
    this.sub = ctx.onDidChangeCluster(() => this.update());
  }

  update(): void {
    const session = this.ctx.current;
    if (!session && this.ctx.phase === 'none' && !this.ctx.contextName) {
      // Nothing connected yet (the view was never opened): stay out of the way.
      this.item.hide();
      return;
    }
    let failing = 0;
    const all = this.ctx.sessions();
    for (const x of all) {
      const snap = x.cache.snapshot();
      failing += failingCount((kind) => snap.objects(kind));
    }
    const clusters = all.length > 1 ? all.map((x) => clusterSummary(x.context, x.cache.snapshot().connection, x.check)) : undefined;
    const t = statusText({
      phase: this.ctx.phase, context: this.ctx.contextName, check: session?.check, failing, error: this.ctx.phase === 'connected' ? session?.checkError : this.ctx.problem,
      connection: session?.cache.snapshot().connection, clusters,
    });
    this.item.text = t.text;
    this.item.tooltip = t.tooltip;
    this.item.backgroundColor = t.warning ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.show();
  }

  dispose(): void {
    this.sub.dispose();
    this.item.dispose();
  }
}
