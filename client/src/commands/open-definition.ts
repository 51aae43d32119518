/**
 * "Open definition in workspace": finds the YAML that defines the object among the workspace's
 * YAML files and opens it at metadata.name.
 */
import * as vscode from 'vscode';
import type { CommandFactory } from '../ctx';
import { keyLabel } from '../targets';

export const openDefinition: CommandFactory = (ctx) => async (arg?: unknown) => {
  const t = await ctx.targetKey(arg, 'any', 'Flux: Open Definition in Workspace');
  if (!t) return;
  ctx.show({ level: 'warning', text: `${keyLabel(t.key)}: not implemented yet` });
  void vscode;
};
