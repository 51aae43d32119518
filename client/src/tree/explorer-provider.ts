/**
 * TreeDataProvider for the Flux view: maps the cluster core's ExplorerNode model to TreeItems.
 * The model is rebuilt from the watch cache's snapshot on every (batched) change; ids are stable,
 * so VS Code keeps expansion and selection and nothing flickers.
 */
import * as vscode from 'vscode';
import type { ExplorerNode } from '../../../server/src/cluster/explorer-model';
import type { Ctx } from '../ctx';
import { errorNode, treeItemFields } from './tree-item-model';

export class ExplorerProvider implements vscode.TreeDataProvider<ExplorerNode>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<ExplorerNode | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly sub: vscode.Disposable;
  private visible = false;

  constructor(private readonly ctx: Ctx) {
    this.sub = ctx.onDidChangeCluster(() => { if (this.visible) this.emitter.fire(undefined); });
  }

  /** Connects when the view first becomes visible; refreshes when it comes back. */
  setVisible(visible: boolean): void {
    const was = this.visible;
    this.visible = visible;
    if (visible && !was) {
      if (!this.ctx.current && this.ctx.phase === 'none' && !this.ctx.problem) void this.ctx.ensureSession();
      this.emitter.fire(undefined);
    }
  }

  getTreeItem(node: ExplorerNode): vscode.TreeItem {
    const f = treeItemFields(node);
    const item = new vscode.TreeItem(f.label, f.collapsibleState as vscode.TreeItemCollapsibleState);
    item.id = f.id;
    item.description = f.description;
    if (f.tooltip) {
      const md = new vscode.MarkdownString(f.tooltip);
      md.supportThemeIcons = true;
      item.tooltip = md;
    }
    item.iconPath = new vscode.ThemeIcon(f.icon.id, f.icon.color ? new vscode.ThemeColor(f.icon.color) : undefined);
    item.contextValue = f.contextValue;
    return item;
  }

  async getChildren(node?: ExplorerNode): Promise<ExplorerNode[]> {
    const session = this.ctx.current;
    if (!node) {
      if (!session) {
        if (this.ctx.phase === 'none' && !this.ctx.problem) void this.ctx.ensureSession();
        // Empty: the welcome view offers "Select a context"; an error shows as one node.
        return this.ctx.phase === 'error' && this.ctx.problem ? [errorNode('root', this.ctx.problem)] : [];
      }
      const { buildExplorerTree } = await this.ctx.runtime();
      const s = this.ctx.settings;
      const roots = buildExplorerTree(session.cache.snapshot(), {
        context: session.context, check: session.check, namespaces: s.namespaces.length ? s.namespaces : undefined, failingOnly: s.failingOnly,
      });
      if (this.ctx.phase === 'error' && this.ctx.problem) return [errorNode('root', this.ctx.problem), ...roots];
      return roots;
    }
    if (node.children) return node.children;
    if (node.lazy && session) {
      const { loadChildren } = await this.ctx.runtime();
      try {
        return await loadChildren(session.conn, node, session.cache.snapshot());
      } catch (err) {
        return [errorNode(node.id, err instanceof Error ? err.message : String(err))];
      }
    }
    return [];
  }

  dispose(): void {
    this.sub.dispose();
    this.emitter.dispose();
  }
}
