/**
 * `flux-workbench decrypt-check [DIR] [--context C] [--kubeconfig F] [--offline] [--format text|json]`:
 * a thin adapter over cluster/decrypt. Exit 1 when a file cannot be decrypted where it is applied, 0 when
 * all can, 2 usage, 4 cluster unreachable. Offline (workspace, .sops.yaml, local age identities) when no
 * kubeconfig is found or with --offline.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { decryptCheck, formatDecryptReport } from '../cluster/decrypt';

interface CliIo { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream }

const HELP = `Usage: flux-workbench decrypt-check [DIR] [--context NAME] [--kubeconfig PATH] [--offline] [--no-logs] [--format text|json]
  Finds the SOPS-encrypted files under DIR (default .), maps them to the Flux Kustomizations that apply
  them, checks .sops.yaml creation rules and your local age identities, and (live) the decryption Secret
  of each Kustomization in the cluster. Exit 1 when a file cannot be decrypted where it is applied.
`;

/** Whether a kubeconfig is available without flags ($KUBECONFIG or ~/.kube/config). */
function implicitKubeconfig(): boolean {
  const env = process.env.KUBECONFIG;
  if (env) return env.split(path.delimiter).some((p) => p && fs.existsSync(p));
  return fs.existsSync(path.join(os.homedir(), '.kube', 'config'));
}

export async function runDecryptCheckCommand(args: string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args, allowPositionals: true, strict: true,
      options: {
        context: { type: 'string' }, kubeconfig: { type: 'string' }, 'flux-namespace': { type: 'string' },
        offline: { type: 'boolean' }, 'no-logs': { type: 'boolean' }, format: { type: 'string', default: 'text' }, help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    io.stderr.write(`flux-workbench decrypt-check: ${(e as Error).message}\n${HELP}`);
    return 2;
  }
  const v = parsed.values;
  if (v.help) { io.stdout.write(HELP); return 0; }
  if (v.format !== 'text' && v.format !== 'json') { io.stderr.write(`flux-workbench decrypt-check: --format must be text or json, not '${v.format}'\n`); return 2; }
  if (parsed.positionals.length > 1) { io.stderr.write(`flux-workbench decrypt-check: one DIR at most\n${HELP}`); return 2; }
  const root = path.resolve(parsed.positionals[0] ?? '.');
  if (!fs.existsSync(root) || !fs.statSync(root).isDirectory()) { io.stderr.write(`flux-workbench decrypt-check: ${root} is not a directory\n`); return 2; }
  const explicit = v.context !== undefined || v.kubeconfig !== undefined;
  const wantLive = !v.offline && (explicit || implicitKubeconfig());
  const notes: string[] = [];
  let cluster;
  if (wantLive) {
    if (Number(process.versions.node.split('.')[0]) < 22) {
      if (explicit) { io.stderr.write(`flux-workbench decrypt-check: the live check needs Node.js 22 or newer (this is ${process.version}); use --offline\n`); return 1; }
      notes.push(`offline check only: the live check needs Node.js 22 or newer (this is ${process.version})`);
    } else {
      const { clusterAccessFor } = await import('./cluster-commands');
      try {
        cluster = clusterAccessFor({ kubeconfig: v.kubeconfig, context: v.context, fluxNamespace: v['flux-namespace'] });
      } catch (e) {
        io.stderr.write(`✗ ${(e as Error).message} (use --offline for a workspace-only check)\n`);
        return 4;
      }
    }
  } else if (!v.offline) {
    notes.push('offline check only: no kubeconfig found ($KUBECONFIG, ~/.kube/config); pass --kubeconfig/--context for the live check');
  }
  let report;
  try {
    report = await decryptCheck({ root, cluster: cluster ? { conn: cluster.conn, context: cluster.context, logs: !v['no-logs'] } : undefined });
  } catch (e) {
    const { toClusterError } = await import('../cluster/get');
    const ce = toClusterError(e, 'decrypt-check');
    io.stderr.write(`✗ ${ce.message} (use --offline for a workspace-only check)\n`);
    return ce.failure === 'unreachable' || ce.failure === 'unauthorized' || ce.failure === 'forbidden' ? 4 : 1;
  }
  report.notes.unshift(...notes);
  report.notes.push(...report.problems);
  if (v.format === 'json') {
    const { problems: _p, ...out } = report;
    io.stdout.write(`${JSON.stringify({ root, context: cluster?.context, ...out }, null, 2)}\n`);
  } else {
    io.stdout.write(formatDecryptReport(report, cluster ? `decrypt-check ${root} (live: context ${cluster.context})` : `decrypt-check ${root} (offline)`));
  }
  return report.ok ? 0 : 1;
}
