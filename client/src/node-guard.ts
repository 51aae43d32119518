/**
 * The Node the cluster explorer needs. @kubernetes/client-node 2.x needs Node 22.19 or newer in the extension host;
 * VS Code 1.105 (Electron 37.6, Node 22.19.0) is the first release that has it (1.104 ships Node 22.18.0), so
 * package.json admits `^1.105.0`. The guard still runs (a fork of VS Code may ship another Node): it says what is
 * wrong instead of letting the Kubernetes client fail in some obscure way.
 */
export const CLUSTER_MIN_NODE = '22.19.0';

function parts(v: string): number[] {
  return v.replace(/^v/, '').split(/[.-]/).slice(0, 3).map((x) => Number.parseInt(x, 10) || 0);
}

/** a < b, comparing major.minor.patch. */
export function olderThan(a: string, b: string): boolean {
  const [x, y] = [parts(a), parts(b)];
  for (let i = 0; i < 3; i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) < (y[i] ?? 0);
  return false;
}

/** Why the cluster runtime cannot load on this Node, or undefined when it can. */
export function clusterRuntimeProblem(nodeVersion: string): string | undefined {
  if (!olderThan(nodeVersion, CLUSTER_MIN_NODE)) return undefined;
  return `the Flux explorer needs Node ${CLUSTER_MIN_NODE} or newer in the extension host, and this editor runs Node ${nodeVersion.replace(/^v/, '')}: `
    + 'update VS Code to 1.105 or newer (the language features keep working meanwhile)';
}
