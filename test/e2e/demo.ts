/**
 * `npm run demo`: code-server with the packaged extension on a copy of the example fleet repository (test/example:
 * a cluster `prod`, its flux-system objects, an app, and one file of deliberate mistakes), connected to the simulated
 * cluster (the fixture API server with a Flux install and the controller simulator). Prints the URL, then serves
 * until Ctrl+C. PORT (default 8080) and HOST (default 127.0.0.1; 0.0.0.0 to reach it from another machine) pick
 * where it listens; there is no password, so keep it on a trusted network.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { ROOT, VSIX, ensureTools, startEditor, startFixture } from './harness';

async function main(): Promise<void> {
  if (!fs.existsSync(VSIX)) {
    console.log('demo: packaging the extension first (npm run package)');
    execFileSync('npm', ['run', 'package'], { cwd: ROOT, stdio: 'inherit' });
  }
  const tools = ensureTools();
  const fixture = await startFixture();
  const editor = await startEditor(tools, fixture.server.kubeconfigPath, {
    port: Number(process.env.PORT ?? 8080), host: process.env.HOST ?? '127.0.0.1',
  });
  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    console.log('\ndemo: stopping code-server and the simulated cluster');
    await editor.stop().catch(() => undefined);
    await fixture.stop().catch(() => undefined);
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  editor.proc.once('exit', (code) => {
    if (!stopping) console.error(`demo: code-server exited (${code}):\n${editor.log().slice(-2000)}`);
    void stop();
  });
  console.log([
    '',
    `Flux Workbench demo: open ${editor.url}`,
    `  workspace: ${editor.workspace} (a copy of test/example; open apps/mistakes/mistakes.yaml for diagnostics and quick fixes)`,
    `  cluster:   the simulated API server at ${fixture.server.kubeconfigPath} (context "fake"): open the Flux view`,
    'Press Ctrl+C to stop.',
  ].join('\n'));
}

main().catch((err: unknown) => { console.error(`demo failed: ${err instanceof Error ? err.message : String(err)}`); process.exit(1); });
