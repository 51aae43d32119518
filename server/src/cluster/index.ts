/**
 * The public API of the cluster core (VS Code-free, over @kubernetes/client-node) for the VS Code
 * client and the CLI. See README.md, "Cluster core API".
 */
export {
  type ClusterAccess, ClusterCallError, type ClusterFailure, DEFAULT_FLUX_NAMESPACE, describeKey, getObject, getRows,
  type GetOptions, listObjects, requestOptions, toClusterError,
} from './get';
export { contextNamespace, type KubeconfigSource, kubeconfigFiles, type KubeContextInfo, listContexts, loadKubeConfig, withContext } from './kubeconfig';
export { ClusterConnection, type ClusterConnectionOptions } from './connection';
export { chooseVersion, type DiscoveredKind, discoverFlux, discoveryFromCrds, type FluxDiscovery } from './discovery';
export {
  type CacheListener, type CacheSnapshot, FluxWatchCache, type KindSyncState, type KindSyncStateName, type WatchCacheOptions,
} from './watch-cache';
export {
  buildExplorerTree, type ExplorerIcon, type ExplorerNode, type ExplorerOptions, isFailing, loadChildren, objectNode, objectNodeId,
  objectTooltip,
} from './explorer-model';
export { checkFlux, type ControllerStatus, type FluxCheck, formatCheck } from './check';
export { type ActionResult, reconcile, type ReconcileOptions, resume, suspend } from './actions';
export { type Health, health, type HealthState, nextReconcile, statusRow, type StatusRow, truncateHex } from './status';
export { type HelmReleaseInfo, HelmStorageError, readHelmRelease } from './helm-storage';
export { inventoryOf, type InventoryRef, renderTree, tree, type TreeNode } from './inventory';
export type { Condition, FluxObject, ObjectKey, ObjectMeta } from './types';
