/**
 * Shared by `npm run test:e2e` and `npm run demo`: the tools (code-server, Debian chromium, playwright-core and a
 * Node 24 for code-server, installed once by install.sh into a cache outside the clone), the fixture API server
 * with a seeded Flux install and the controller simulator, a copy of the example fleet repository (the editor edits
 * the copy, never the repository's files), user settings, and code-server running the packaged extension.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { startApiServer, type FakeApiServer } from '../fixture/apiserver';
import { startFluxSimulator } from '../fixture/flux-sim';
import {
  addAlert, addGitRepository, addHelmRelease, addHelmRepository, addKustomization, addProvider, addReceiver, seedFluxInstall, type FluxInstall,
} from '../fixture/seed';

export const ROOT = path.resolve(__dirname, '../..');
export const VSIX = process.env.VSIX ?? path.join(ROOT, 'flux-workbench.vsix');

/** The tools folder (install.sh installs on first use and prints it). */
export function ensureTools(): string {
  let dir: string;
  try {
    dir = execFileSync('bash', [path.join(__dirname, 'install.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
  } catch (err) {
    const code = (err as { status?: number }).status;
    throw new Error(`e2e: installing the tools failed (test/e2e/install.sh exited ${code ?? 'abnormally'}; its messages are above). `
      + 'The e2e cannot run without code-server, Debian chromium and playwright-core: this is a failure, not a skip.');
  }
  if (!fs.existsSync(path.join(dir, '.ready'))) throw new Error(`e2e tools not ready in ${dir}`);
  return dir;
}

export function node24(tools: string): string {
  const found = fs.readdirSync(path.join(tools, 'node_modules/node/node_modules')).find((d) => d.startsWith('node-linux-'));
  const bin = found && path.join(tools, 'node_modules/node/node_modules', found, 'bin/node');
  if (!bin || !fs.existsSync(bin)) throw new Error(`no Node 24 under ${tools}: delete it and run test/e2e/install.sh again`);
  return bin;
}

export function chromiumPath(): string {
  for (const p of [process.env.CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser']) if (p && fs.existsSync(p)) return p;
  throw new Error('chromium not found: apt-get install -y chromium (test/e2e/install.sh does it as root)');
}

export interface Fixture {
  server: FakeApiServer;
  /** The seeded Flux install (controller → pod name, for the log scenario). */
  flux: FluxInstall;
  stop(): Promise<void>;
}

/** The fixture API server with a Flux install, a few Flux objects of each group and the controller simulator. */
export async function startFixture(): Promise<Fixture> {
  const server = await startApiServer();
  const flux = seedFluxInstall(server);
  addGitRepository(server, { namespace: 'flux-system', name: 'flux-system' });
  // The paths are the example repository's (test/example), so what the cluster applies matches the workspace.
  addKustomization(server, { namespace: 'flux-system', name: 'infrastructure', path: './fleet/infra', inventory: [
    { namespace: 'ingress', name: 'ingress-nginx', group: 'apps', kind: 'Deployment', version: 'v1' }, { name: 'ingress', kind: 'Namespace', version: 'v1' },
  ] });
  addKustomization(server, { namespace: 'flux-system', name: 'apps', path: './apps', status: { failed: 'BuildFailed' } } as Parameters<typeof addKustomization>[1]);
  addKustomization(server, { namespace: 'apps', name: 'tenants', path: './fleet/apps', suspend: true });
  addHelmRepository(server, { namespace: 'flux-system', name: 'podinfo' });
  addHelmRelease(server, { namespace: 'apps', name: 'podinfo' } as Parameters<typeof addHelmRelease>[1]);
  addProvider(server, { namespace: 'flux-system', name: 'slack' });
  addAlert(server, { namespace: 'flux-system', name: 'on-call', providerRef: 'slack' });
  addReceiver(server, { namespace: 'flux-system', name: 'github' });
  const sim = startFluxSimulator(server);
  return {
    server, flux,
    stop: async () => {
      sim.stop();
      await server.close();
    },
  };
}

export interface Editor {
  url: string;
  workspace: string;
  /** The editor's log folder (extension host, the extension's output channels), for a look after a failure. */
  logsDir: string;
  proc: ChildProcess;
  log: () => string;
  stop(): Promise<void>;
}

/** A free TCP port on 127.0.0.1. */
async function freePort(): Promise<number> {
  const net = await import('node:net');
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function waitHttp(url: string, ms: number, proc: ChildProcess, log: () => string): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`code-server exited (${proc.exitCode}):\n${log().slice(-2000)}`);
    try {
      const r = await fetch(url);
      if (r.ok) return;
    } catch { /* not listening yet */ }
    if (Date.now() > end) throw new Error(`code-server did not answer ${url} within ${ms / 1000}s:\n${log().slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * code-server with the packaged extension, on a copy of test/example, with user settings that keep the test
 * deterministic (no auto save, no trust prompt, no welcome page, no telemetry or update checks).
 */
export async function startEditor(tools: string, kubeconfigPath: string, opts: { port?: number; host?: string } = {}): Promise<Editor> {
  if (!fs.existsSync(VSIX)) throw new Error(`${VSIX} is missing: run npm run package first`);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fw-e2e-'));
  const workspace = path.join(tmp, 'fleet');
  fs.cpSync(path.join(ROOT, 'test/example'), workspace, { recursive: true });
  const extDir = path.join(tmp, 'extensions');
  const dataDir = path.join(tmp, 'data');
  fs.mkdirSync(path.join(dataDir, 'User'), { recursive: true });
  fs.writeFileSync(path.join(dataDir, 'User/settings.json'), JSON.stringify({
    'fluxWorkbench.kubeconfig': kubeconfigPath,
    'files.autoSave': 'off',
    'security.workspace.trust.enabled': false,
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.welcomePage.walkthroughs.openOnInstall': false,
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'extensions.ignoreRecommendations': true,
    'git.enabled': false,
    'chat.disableAIFeatures': true,
    'editor.minimap.enabled': false,
    'window.commandCenter': false,
    // Long report and log lines wrap, so a screenshot shows them whole.
    '[plaintext]': { 'editor.wordWrap': 'on' },
    '[log]': { 'editor.wordWrap': 'on' },
  }, null, 2));
  const entry = path.join(tools, 'node_modules/code-server/out/node/entry.js');
  const port = opts.port ?? await freePort();
  const host = opts.host ?? '127.0.0.1';
  const base = ['--auth', 'none', '--bind-addr', `${host}:${port}`, '--extensions-dir', extDir, '--user-data-dir', dataDir,
    '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override'];
  execFileSync(node24(tools), [entry, ...base, '--install-extension', VSIX], { stdio: ['ignore', 'ignore', 'inherit'] });
  let out = '';
  // The user's own config (sops age keys.txt, code-server's config.yaml) stays out: XDG_CONFIG_HOME is the temp
  // folder's, and no SOPS key reaches the extension host from the environment.
  // KUBECONFIG names the fixture's kubeconfig too: in about 1 run of 4 under load the extension host did not see the
  // user setting fluxWorkbench.kubeconfig when the Flux view first connected (the extension's log: "no kubeconfig
  // found (looked for ~/.kube/config)") and no configuration change followed, so the view never connected.
  const env: NodeJS.ProcessEnv = { ...process.env, XDG_CONFIG_HOME: path.join(tmp, 'config'), KUBECONFIG: kubeconfigPath };
  for (const k of ['SOPS_AGE_KEY', 'SOPS_AGE_KEY_FILE', 'SOPS_AGE_KEY_CMD']) delete env[k];
  const proc = spawn(node24(tools), [entry, ...base, workspace], { stdio: ['ignore', 'pipe', 'pipe'], detached: true, env });
  proc.stdout?.on('data', (c: Buffer) => { out += c.toString(); });
  proc.stderr?.on('data', (c: Buffer) => { out += c.toString(); });
  const log = (): string => out;
  const url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}/?folder=${encodeURIComponent(workspace)}`;
  await waitHttp(`http://127.0.0.1:${port}/healthz`, 60_000, proc, log);
  return {
    url, workspace, proc, log, logsDir: path.join(dataDir, 'logs'),
    stop: async () => {
      if (proc.exitCode === null && proc.pid !== undefined) {
        // code-server runs its extension host and language server as children: end its whole process group.
        try { process.kill(-proc.pid, 'SIGTERM'); } catch { /* gone */ }
        await new Promise<void>((resolve) => {
          const t = setTimeout(() => { try { process.kill(-proc.pid!, 'SIGKILL'); } catch { /* gone */ } resolve(); }, 5000);
          proc.once('exit', () => { clearTimeout(t); resolve(); });
        });
      }
      if (process.env.FW_E2E_KEEP === '1') console.log(`e2e: kept ${tmp} (editor data, logs and workspace)`);
      else fs.rmSync(tmp, { recursive: true, force: true });
    },
  };
}

/** The part of playwright-core's API the e2e uses (playwright-core lives in the tools folder, not in the project). */
export interface Locator {
  first(): Locator;
  nth(i: number): Locator;
  click(o?: { button?: 'left' | 'right'; timeout?: number }): Promise<void>;
  fill(value: string): Promise<void>;
  hover(o?: { timeout?: number }): Promise<void>;
  waitFor(o?: { state?: 'attached' | 'detached' | 'visible' | 'hidden'; timeout?: number }): Promise<void>;
  allInnerTexts(): Promise<string[]>;
  innerText(): Promise<string>;
  count(): Promise<number>;
  isVisible(): Promise<boolean>;
  getAttribute(name: string): Promise<string | null>;
}
export interface Page {
  goto(url: string, o?: object): Promise<unknown>;
  title(): Promise<string>;
  locator(sel: string): Locator;
  screenshot(o: { path: string }): Promise<unknown>;
  keyboard: { press(k: string): Promise<void>; type(t: string, o?: { delay?: number }): Promise<void> };
  mouse: { wheel(dx: number, dy: number): Promise<void> };
  setViewportSize(s: { width: number; height: number }): Promise<void>;
  waitForFunction(fn: string, arg?: unknown, o?: { timeout?: number; polling?: number }): Promise<unknown>;
}
export interface Browser { newPage(): Promise<Page>; close(): Promise<void> }

/** Launches Debian's chromium through playwright-core from the tools folder. */
export async function launchBrowser(tools: string): Promise<Browser> {
  const req = createRequire(path.join(tools, 'package.json'));
  const { chromium } = req('playwright-core') as { chromium: { launch(o: object): Promise<Browser> } };
  return chromium.launch({
    executablePath: chromiumPath(),
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}
