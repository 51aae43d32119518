/**
 * Hover: a field's path, type, description and the kind's documentation link; on apiVersion and kind,
 * the kind, its version status (current, deprecated, removed) and the link.
 */
import { documentAt, type FluxDocument, type ParsedFile } from '../document/parse';
import { nodeRange } from '../document/nodes';
import { compareFluxVersions, DEFAULT_FLUX_VERSION, findKind, isFluxGroup, splitApiVersion, type FluxKindInfo } from '../kinds';
import { BUNDLED_FLUX_VERSION, schemaAtPath, type SchemaRegistry } from '../schema/registry';
import type { SchemaNode } from '../schema/types';
import type { Position, Range } from '../types';
import { astPathAt } from './ast-path';
import { findReferences } from '../index/references';
import type { WorkspaceIndex } from '../index/workspace-index';
import { objectLabel } from './symbols';
import { schemaFor, typeLabel } from './schema-lookup';

export interface HoverOptions {
  /** The Flux release the workspace targets (default DEFAULT_FLUX_VERSION): decides deprecated vs removed. */
  targetFluxVersion?: string;
  /** With a workspace index, hovering a reference (`sourceRef`, `dependsOn[]`, ...) tells where its object is. */
  index?: WorkspaceIndex;
}

function fileName(uri: string): string {
  const i = uri.lastIndexOf('/');
  return decodeURIComponent(i >= 0 ? uri.slice(i + 1) : uri);
}

/** A line on where the reference under `path` points, when `path` is a reference or its name. */
function referenceLine(file: ParsedFile, doc: FluxDocument, path: ReadonlyArray<string | number>, index: WorkspaceIndex): string | undefined {
  const ref = findReferences(file, doc).find((r) => {
    if (path.length === r.path.length) return r.path.every((seg, i) => seg === path[i]);
    return path.length === r.path.length + 1 && path[path.length - 1] === 'name' && r.path.every((seg, i) => seg === path[i]);
  });
  if (!ref) return undefined;
  const label = objectLabel(ref.target.kind, ref.target.name, ref.target.namespace);
  const found = index.resolve(ref.target);
  if (found.length === 0) return `Refers to \`${label}\`: not found in the workspace files (it may be created elsewhere).`;
  const where = found.slice(0, 3).map((o) => `\`${fileName(o.uri)}\` line ${o.nameRange.start.line + 1}`).join(', ');
  return `Refers to \`${label}\`, defined in ${where}${found.length > 3 ? ` and ${found.length - 3} more` : ''}.`;
}

/** What a hover needs of the document: its apiVersion and kind. */
export interface ObjectType { apiVersion?: string; kind?: string }

export type VersionStatus = 'current' | 'deprecated' | 'removed' | 'unknown';

/** The status of an API version of a kind at a target Flux release. */
export function versionStatus(k: FluxKindInfo, version: string, target = DEFAULT_FLUX_VERSION): VersionStatus {
  if (version === k.current) return 'current';
  const v = k.versions.find((x) => x.version === version);
  if (!v) return 'unknown';
  if (v.removedIn && compareFluxVersions(target, v.removedIn) >= 0) return 'removed';
  return 'deprecated';
}

/** Formats a path as `spec.dependsOn[].name`. */
export function formatPath(path: ReadonlyArray<string | number>): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += '[]';
    else out += out === '' ? seg : `.${seg}`;
  }
  return out;
}

function docsLink(k: FluxKindInfo): string {
  return `[${k.kind} documentation](${k.docsUrl})`;
}

/**
 * Which schema source judges the document ("schema: cluster prod, Flux v2.9.1"), and, when the bundled schemas
 * are in force for a target newer than they describe, that newer fields are unknown to them.
 */
function schemaSourceLine(registry: SchemaRegistry, doc: ObjectType, target: string): string | undefined {
  if (!doc.apiVersion || !doc.kind) return undefined;
  const { group, version } = splitApiVersion(doc.apiVersion);
  const line = registry.describeSource(group, version, doc.kind);
  if (!line) return undefined;
  const gap = registry.origin(group, version, doc.kind) === 'bundled' && compareFluxVersions(target, BUNDLED_FLUX_VERSION) > 0
    ? ` — the bundled schemas stop at Flux ${BUNDLED_FLUX_VERSION} (target Flux ${target}): fields added later are unknown to them; connect the cluster or commit the Flux CRDs (gotk-components.yaml) to judge by them`
    : '';
  return `_${line}${gap}_`;
}

function kindHover(doc: ObjectType, target: string): string | undefined {
  if (!doc.apiVersion || !doc.kind) return undefined;
  const { group, version } = splitApiVersion(doc.apiVersion);
  if (!isFluxGroup(group)) return undefined;
  const k = findKind(doc.kind, group);
  if (!k) {
    const elsewhere = findKind(doc.kind);
    const hint = elsewhere ? ` ${doc.kind} belongs to \`${elsewhere.group}/${elsewhere.current}\`.` : '';
    return `**${doc.kind}** \`${doc.apiVersion}\`\n\nNot a Flux kind of the group \`${group}\`.${hint}`;
  }
  const status = versionStatus(k, version, target);
  const v = k.versions.find((x) => x.version === version);
  const currentApi = `${k.group}/${k.current}`;
  let line: string;
  switch (status) {
    case 'current':
      line = `Version \`${version}\`: current.`;
      break;
    case 'deprecated':
      line = `Version \`${version}\`: deprecated${v?.deprecatedIn ? ` since Flux ${v.deprecatedIn}` : ''}${v?.removedIn ? `, removed in Flux ${v.removedIn}` : ''}. Use \`${currentApi}\`.`;
      break;
    case 'removed':
      line = `Version \`${version}\`: removed in Flux ${v?.removedIn ?? '?'} (target Flux ${target}). Use \`${currentApi}\`.`;
      break;
    default:
      line = `Version \`${version}\`: unknown for ${k.kind}. Known: ${k.versions.map((x) => `\`${x.version}\``).join(', ')}; current \`${currentApi}\`.`;
  }
  return `**${k.kind}** \`${doc.apiVersion}\`\n\n${line}\n\nReconciled by ${k.controller}.\n\n${docsLink(k)}`;
}

function fieldHover(path: ReadonlyArray<string | number>, s: SchemaNode, required: boolean, k: FluxKindInfo | undefined): string {
  const parts: string[] = [];
  parts.push(`**${formatPath(path)}**: \`${typeLabel(s)}\`${required ? ' (required)' : ''}`);
  if (s.description) parts.push(s.description);
  const facts: string[] = [];
  if (s.enum && s.enum.length > 0) facts.push(`One of: ${s.enum.map((e) => `\`${String(e)}\``).join(', ')}`);
  if (s.default !== undefined && (typeof s.default !== 'object' || s.default === null)) facts.push(`Default: \`${String(s.default)}\``);
  if (s.pattern) facts.push(`Pattern: \`${s.pattern}\``);
  if (facts.length > 0) parts.push(facts.join('  \n'));
  if (k) parts.push(docsLink(k));
  return parts.join('\n\n');
}

function hover0(file: ParsedFile, position: Position, registry: SchemaRegistry, opts: HoverOptions): { contents: string; range?: Range } | undefined {
  if (file.fatal) return undefined;
  const offset = file.lineIndex.offsetAt(position);
  const doc = documentAt(file, offset);
  if (!doc || !doc.isFlux) return undefined;
  const hit = astPathAt(doc, offset);
  if (!hit || hit.path.length === 0) return undefined;
  const contents = hoverContents(registry, doc, hit.path, opts, opts.index ? () => referenceLine(file, doc, hit.path, opts.index!) : undefined);
  return contents === undefined ? undefined : { contents, range: nodeRange(file, hit.node) };
}

/**
 * The hover text for the field at `path` of an object of this type (the kind's status on apiVersion and kind),
 * or undefined when no schema knows the field. `refLine` adds where a reference points.
 */
export function hoverContents(
  registry: SchemaRegistry, doc: ObjectType, path: ReadonlyArray<string | number>, opts: HoverOptions, refLine?: () => string | undefined,
): string | undefined {
  const target = opts.targetFluxVersion ?? DEFAULT_FLUX_VERSION;
  const source = schemaSourceLine(registry, doc, target);
  if (path.length === 1 && (path[0] === 'apiVersion' || path[0] === 'kind')) {
    const contents = kindHover(doc, target);
    return contents && source ? `${contents}\n\n${source}` : contents;
  }
  const schema = schemaFor(registry, doc.apiVersion, doc.kind);
  if (!schema?.root) return undefined;
  const s = schemaAtPath(schema.root, path);
  if (!s) return undefined;
  const parentPath = path.slice(0, -1);
  const last = path[path.length - 1];
  const parent = schemaAtPath(schema.root, parentPath);
  const required = typeof last === 'string' && !!parent?.required?.includes(last);
  const k = schema.kindInfo ?? (doc.kind ? findKind(doc.kind) : undefined);
  let contents = fieldHover(path, s, required, k);
  const ref = refLine?.();
  if (ref) contents = `${contents}\n\n${ref}`;
  if (schema.fallback) contents += `\n\n_(schema of \`${schema.group}/${k?.current ?? '?'}\`: \`${schema.version}\` is not bundled)_`;
  if (source) contents += `\n\n${source}`;
  return contents;
}

/** Markdown hover at a position, or undefined. Never throws. */
export function hover(
  file: ParsedFile, position: Position, registry: SchemaRegistry, opts: HoverOptions = {},
): { contents: string; range?: Range } | undefined {
  try {
    return hover0(file, position, registry, opts);
  } catch {
    return undefined;
  }
}
