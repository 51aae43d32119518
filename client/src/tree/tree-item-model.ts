/**
 * Maps the cluster core's ExplorerNode to the fields of a VS Code TreeItem. Pure (no `vscode`
 * value import): tree/explorer-provider.ts turns these fields into a TreeItem.
 */
import type { ExplorerIcon, ExplorerNode } from '../../../server/src/cluster/explorer-model';

/** A codicon and the theme color to tint it with. */
export interface IconSpec { id: string; color?: string }

const MODEL_ICONS: Record<ExplorerIcon, IconSpec> = {
  ready: { id: 'pass', color: 'testing.iconPassed' },
  failing: { id: 'error', color: 'errorForeground' },
  reconciling: { id: 'sync~spin', color: 'charts.blue' },
  stalled: { id: 'warning', color: 'list.warningForeground' },
  suspended: { id: 'debug-pause', color: 'disabledForeground' },
  unknown: { id: 'question' },
  forbidden: { id: 'lock', color: 'list.warningForeground' },
  missing: { id: 'circle-slash', color: 'disabledForeground' },
  error: { id: 'error', color: 'errorForeground' },
  syncing: { id: 'loading~spin' },
  synced: { id: 'pass' },
  // Node types
  cluster: { id: 'server-environment' },
  controller: { id: 'gear' },
  sources: { id: 'repo' },
  kustomizations: { id: 'layers' },
  helmreleases: { id: 'package' },
  notifications: { id: 'bell' },
  'image-automation': { id: 'file-media' },
  kind: { id: 'symbol-class' },
  namespace: { id: 'symbol-namespace' },
  resource: { id: 'symbol-field' },
  webhook: { id: 'link' },
  info: { id: 'info' },
  // Connection problems: greyed, never a green check.
  stale: { id: 'circle-outline', color: 'disabledForeground' },
  disconnected: { id: 'debug-disconnect', color: 'errorForeground' },
  unauthorized: { id: 'lock', color: 'errorForeground' },
  // Workloads under inventories.
  'workload-ready': { id: 'pass', color: 'testing.iconPassed' },
  'workload-failing': { id: 'error', color: 'errorForeground' },
  'workload-progressing': { id: 'sync', color: 'charts.blue' },
};

/**
 * Icons per health state and per node type: every ExplorerIcon of the cluster core (checked by
 * the compiler), plus the client's own error/loading nodes.
 */
export const ICONS: Readonly<Record<string, IconSpec>> = {
  ...MODEL_ICONS,
  loading: { id: 'loading~spin' },
};

/** Used when the model names an icon this table does not know. */
export const FALLBACK_ICON: IconSpec = { id: 'circle-outline' };

export function iconFor(icon: string): IconSpec {
  return Object.prototype.hasOwnProperty.call(ICONS, icon) ? ICONS[icon] as IconSpec : FALLBACK_ICON;
}

/** vscode.TreeItemCollapsibleState values (None, Collapsed, Expanded). */
export const COLLAPSIBLE = { none: 0, collapsed: 1, expanded: 2 } as const;

export interface TreeItemFields {
  id: string;
  label: string;
  description?: string;
  /** Markdown. */
  tooltip?: string;
  icon: IconSpec;
  contextValue: string;
  collapsibleState: 0 | 1 | 2;
}

export function treeItemFields(node: ExplorerNode): TreeItemFields {
  const hasChildren = node.lazy === true || (node.children?.length ?? 0) > 0;
  const collapsible = node.collapsible === 'none' && hasChildren ? 'collapsed' : node.collapsible;
  return {
    id: node.id,
    label: node.label,
    description: node.description,
    tooltip: node.tooltip,
    icon: iconFor(node.icon),
    contextValue: node.contextValue,
    collapsibleState: COLLAPSIBLE[collapsible],
  };
}

/** A leaf node that reports a problem in place of children that could not be loaded. */
export function errorNode(parentId: string, message: string): ExplorerNode {
  return { id: `${parentId}/error`, label: message, icon: 'error', contextValue: 'flux.error', collapsible: 'none', tooltip: message };
}
