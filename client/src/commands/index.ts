/** Every command factory, by the name registered as `fluxWorkbench.<name>`. */
export { reconcile, reconcileWithSource, forceHelmRelease, resetHelmRelease } from './reconcile';
export { suspend, resume } from './suspend';
export { showEvents, describe, explainFailure } from './inspect';
export { selectContext, fluxCheck, refresh } from './cluster';
export { filterNamespaces, toggleFailingOnly } from './view';
export { copyName } from './copy-name';
export { openDefinition } from './open-definition';
export { addCluster, removeCluster } from './clusters';
export { trace } from './trace';
export { showLogs, stopLogs, changeLogFilter } from './logs';
export { checkDecryption } from './decrypt';
