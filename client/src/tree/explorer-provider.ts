/**
 * TreeDataProvider for the Flux view: maps the cluster core's ExplorerNode model to TreeItems.
 * The model is rebuilt from the watch cache's snapshot on every (batched) change; ids are stable,
 * so VS Code keeps expansion and selection and nothing flickers.
 */
import * as vscode from 'vscode';
import type { ExplorerNode } from '../../../server/src/cluster/explorer-model';
import type { ClusterSession } from '../cluster/runtime';
import type { Ctx } from '../ctx';
import { clusterSummary } from '../status-model';
import { errorNode, treeItemFields } from './tree-item-model';

/** The root of one context when several clusters are watched (`root:<context>`). */
function clusterRoot(x: ClusterSession, children: ExplorerNode[]): ExplorerNode {
  const sum = clusterSummary(x.context, x.cache.snapshot().connection, x.check);
  return {
    id: `root:${x.context}`, label: x.context, description: sum.description, tooltip: sum.tooltip,
    icon: sum.ok ? 'cluster' : sum.icon, contextValue: 'flux.root', collapsible: 'expanded', children,
  };
}

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
      const build = (x: ClusterSession): ExplorerNode[] => buildExplorerTree(x.cache.snapshot(), {
        context: x.context, check: x.check, namespaces: s.namespaces.length ? s.namespaces : undefined, failingOnly: s.failingOnly,
      });
      const all = this.ctx.sessions();
      // Several clusters: one root per context, each with its own tree (and its own watches).
      const roots = all.length > 1 ? all.map((x) => clusterRoot(x, build(x))) : build(session);
      if (this.ctx.phase === 'error' && this.ctx.problem) return [errorNode('root', this.ctx.problem), ...roots];
      return roots;
    }
    if (node.children) return node.children;
    const owner = this.ctx.sessionFor(node) ?? session;
    if (node.lazy && owner) {
      const { loadChildren } = await this.ctx.runtime();
      try {
        return await loadChildren(owner.conn, node, owner.cache.snapshot());
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
