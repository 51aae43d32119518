/**
 * Typed settings: reads the `fluxWorkbench` section through the pure parser in settings.ts.
 */
import * as os from 'node:os';
import * as vscode from 'vscode';
import { type FluxSettings, parseSettings, SECTION, type SettingKey } from './settings';

export type { FluxSettings } from './settings';

/** Reads the current settings, honouring workspace trust for `fluxWorkbench.kubeconfig`. */
export function readConfig(): FluxSettings {
  const c = vscode.workspace.getConfiguration(SECTION);
  return parseSettings({
    get: (key: SettingKey) => c.get<unknown>(key),
    inspect: (key: SettingKey) => c.inspect<unknown>(key),
    trusted: vscode.workspace.isTrusted,
  }, os.homedir());
}

/** Writes a setting to the workspace when a folder is open, else to the user settings. */
export async function writeSetting(key: SettingKey, value: unknown): Promise<void> {
  const target = vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  await vscode.workspace.getConfiguration(SECTION).update(key, value, target);
}
