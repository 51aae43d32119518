/**
 * Maps the cluster core's ExplorerNode to the fields of a VS Code TreeItem. Pure (no `vscode`
 * value import): tree/explorer-provider.ts turns these fields into a TreeItem.
 */
import type { ExplorerNode } from '../../../server/src/cluster/explorer-model';

/** A codicon and the theme color to tint it with. */
export interface IconSpec { id: string; color?: string }

/**
 * Icons per health state and per node type. Health states come from the cluster core's health()
 * (ready, failing, reconciling, stalled, suspended, unknown) and the watch cache's kind states
 * (forbidden, missing, error, syncing).
 */
export const ICONS: Readonly<Record<string, IconSpec>> = {
  ready: { id: 'pass', color: 'testing.iconPassed' },
  failing: { id: 'error', color: 'errorForeground' },
  reconciling: { id: 'sync~spin', color: 'charts.blue' },
  progressing: { id: 'sync~spin', color: 'charts.blue' },
  stalled: { id: 'warning', color: 'list.warningForeground' },
  suspended: { id: 'debug-pause', color: 'disabledForeground' },
  unknown: { id: 'question' },
  forbidden: { id: 'lock', color: 'list.warningForeground' },
  missing: { id: 'circle-slash', color: 'disabledForeground' },
  error: { id: 'error', color: 'errorForeground' },
  syncing: { id: 'loading~spin' },
  loading: { id: 'loading~spin' },
  info: { id: 'info' },
  // Node types
  cluster: { id: 'server-environment' },
  health: { id: 'pulse' },
  controller: { id: 'gear' },
  sources: { id: 'repo' },
  kustomizations: { id: 'layers' },
  helmreleases: { id: 'package' },
  notifications: { id: 'bell' },
  images: { id: 'file-media' },
  'image-automation': { id: 'file-media' },
  namespace: { id: 'symbol-namespace' },
  group: { id: 'folder' },
  kind: { id: 'symbol-class' },
  object: { id: 'symbol-field' },
  resource: { id: 'symbol-field' },
  inventory: { id: 'symbol-field' },
  webhook: { id: 'link' },
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
    collapsibleState: COLLAPSIBLE[collapsible] ?? 0,
  };
}

/** A leaf node that reports a problem in place of children that could not be loaded. */
export function errorNode(parentId: string, message: string): ExplorerNode {
  return { id: `${parentId}/error`, label: message, icon: 'error', contextValue: 'flux.error', collapsible: 'none', tooltip: message };
}
