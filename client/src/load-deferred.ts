/**
 * Loads deferred.ts on first use. A plain require, as ctx.ts does for the cluster runtime: the bundle keeps it
 * as is and Node resolves it next to dist/client.js (dist/deferred.js); from the sources (tests) it is
 * client/src/deferred.ts. This file must stay in client/src for the two paths to agree.
 */
export function loadDeferred(): typeof import('./deferred') {
  return require('./deferred') as typeof import('./deferred');
}
