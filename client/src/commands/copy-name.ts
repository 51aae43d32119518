/**
 * Copies the object's name to the clipboard.
 */
import * as vscode from 'vscode';
import type { CommandFactory } from '../ctx';
import { keyLabel } from '../targets';

export const copyName: CommandFactory = (ctx) => async (arg?: unknown) => {
  const t = await ctx.targetKey(arg, 'any', 'Flux: Copy Name');
  if (!t) return;
  await vscode.env.clipboard.writeText(t.key.name);
  vscode.window.setStatusBarMessage(`Copied ${t.key.name} (${keyLabel(t.key)})`, 3000);
};
