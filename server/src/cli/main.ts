/**
 * The `flux-workbench` command line: a thin adapter over the engine and the cluster core.
 */
import { startLanguageServer } from '../lsp/language-server';
import { installCrashGuards } from '../lsp/crash-guards';
import { stdioTransport } from '../lsp/transport';
import { runLint } from './lint';
import { runGraph } from './graph';

const USAGE = `Usage: flux-workbench <command> [options]

Workspace commands:
  lint [DIR|FILE...] [--format text|json|sarif] [--fail-on error|warning|never] [--target-flux-version 2.8]
       [--schema-from DIR|FILE] [--context NAME [--kubeconfig PATH]]
                          Print the diagnostics of every YAML file under the paths (default: .), judged as
                          Flux applies them (cross-file rules per cluster). Exit code 1 when a diagnostic at
                          or above --fail-on (default error) was found, 2 when a path does not exist.
                          Schemas: --schema-from CRD YAML, --context a cluster's CRDs, else Flux CRDs
                          among the files (gotk-components.yaml), else the bundled Flux 2.8 schemas.
  graph [DIR] [--format text|json|dot]
                          Print the apply graph: per cluster, the Kustomizations in dependsOn order and the
                          objects each applies, with their effective namespaces.
  lsp --stdio             Start the language server over stdio.
  decrypt-check [DIR] [--context C] [--kubeconfig F] [--offline] [--format text|json]
                          Can each SOPS file be decrypted where a Flux Kustomization applies it?
                          Live against the cluster when a kubeconfig is found. Exit code 1 when not.

Cluster commands (use --kubeconfig PATH and --context NAME):
  get [KIND|all] [NAME] [-n NS | -A] [-l SELECTOR] [--status-selector ready=false] [--watch] [--format text|json]
  reconcile KIND NAME [-n NS] [--with-source] [--force] [--reset] [--timeout 5m]
  suspend KIND NAME... | --all [-n NS | -A]
  resume KIND NAME... | --all [-n NS | -A] [--timeout 5m]
  events [--for KIND[/NAME]] [-n NS | -A] [--types Normal,Warning]
  tree KIND NAME [-n NS] [--compact]
  trace KIND NAME [-n NS] [--api-version V]
  check | health [--timeout 5m]
  logs [--controller C] [--kind K] [--name N] [-n NS | -A] [--level L] [--follow] [--tail N] [--since D]

Exit codes: 0 success, 1 failure or errors found, 2 usage error, 3 timeout, 4 cluster unreachable or unauthorized.
`;

export async function main(argv: string[], io = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      io.stdout.write(USAGE);
      return command === undefined ? 2 : 0;
    case 'lint':
      return runLint(rest, io);
    case 'graph':
      return runGraph(rest, io);
    case 'lsp': {
      if (!rest.includes('--stdio')) {
        io.stderr.write('flux-workbench lsp: only --stdio is supported\n');
        return 2;
      }
      const { connection, outputBacklog } = stdioTransport();
      installCrashGuards((msg) => connection.console.error(msg));
      startLanguageServer(connection, { outputBacklog });
      return new Promise<number>(() => { /* serves until the client exits the process */ });
    }
    case 'decrypt-check': {
      const { runDecryptCheckCommand } = await import('./decrypt-command');
      return runDecryptCheckCommand(rest, io);
    }
    default: {
      // Loaded on demand: the cluster client (@kubernetes/client-node and its undici) needs Node >= 22,
      // while lint and the language server run on any supported Node.
      const major = Number(process.versions.node.split('.')[0]);
      if (major < 22) {
        io.stderr.write(`flux-workbench ${command}: cluster commands need Node.js 22 or newer (this is ${process.version}); lint and lsp work on this Node\n`);
        return 1;
      }
      if (command === 'logs') return (await import('./logs-command')).runLogsCommand(rest, io);
      const { runClusterCommand } = await import('./cluster-commands');
      return runClusterCommand(argv, io);
    }
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => { process.exitCode = code; },
    (err: unknown) => {
      process.stderr.write(`flux-workbench: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
