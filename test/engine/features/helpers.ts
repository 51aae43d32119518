import { parseText, type ParsedFile } from '../../../server/src/engine/document';
import type { Position } from '../../../server/src/engine/types';

export const CURSOR = '<|>';

/** Parses text with one `<|>` cursor marker; returns the file without the marker and the cursor position. */
export function withCursor(text: string, uri = 'file:///ws/test.yaml'): { file: ParsedFile; position: Position } {
  const i = text.indexOf(CURSOR);
  if (i < 0) throw new Error('no cursor marker');
  const clean = text.slice(0, i) + text.slice(i + CURSOR.length);
  const file = parseText(clean, uri);
  return { file, position: file.lineIndex.positionAt(i) };
}

export const GIT_HEAD = 'apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata:\n  name: podinfo\n  namespace: flux-system\nspec:\n';
export const KS_HEAD = 'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: apps\n  namespace: flux-system\nspec:\n';
