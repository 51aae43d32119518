/**
 * SARIF 2.1.0 output of `lint --format sarif`, for code-scanning upload: one run, the rules that fired with
 * their metadata (short description, help text and the documentation link), results with URIs relative to the
 * working directory (`%SRCROOT%`), 1-based regions.
 */
import * as path from 'node:path';
import type { FluxDiagnostic } from '../engine/types';
import { RULE_DOCS } from '../engine/rules/docs';
import type { FileResult } from './disk-workspace';

const LEVEL: Record<FluxDiagnostic['severity'], 'error' | 'warning' | 'note'> = {
  error: 'error', warning: 'warning', information: 'note', hint: 'note',
};

const HELP_URI = 'https://fluxcd.io/flux/components/';

export interface SarifLog {
  $schema: string;
  version: '2.1.0';
  runs: unknown[];
}

export function toSarif(results: FileResult[], base: string): SarifLog {
  const ruleIds: string[] = [];
  const ruleIndex = new Map<string, number>();
  const out: unknown[] = [];
  for (const r of results) {
    const uri = path.relative(base, path.resolve(r.file.display)).split(path.sep).join('/');
    for (const d of r.diagnostics) {
      let idx = ruleIndex.get(d.code);
      if (idx === undefined) {
        idx = ruleIds.length;
        ruleIds.push(d.code);
        ruleIndex.set(d.code, idx);
      }
      out.push({
        ruleId: d.code, ruleIndex: idx, level: LEVEL[d.severity],
        message: { text: d.message },
        locations: [{
          physicalLocation: {
            artifactLocation: { uri: encodeURI(uri), uriBaseId: '%SRCROOT%' },
            region: { startLine: d.range.start.line + 1, startColumn: d.range.start.character + 1, endLine: d.range.end.line + 1, endColumn: d.range.end.character + 1 },
          },
        }],
      });
    }
  }
  const rules = ruleIds.map((id) => {
    const doc = RULE_DOCS[id];
    return {
      id, name: id.replace(/^flux\//, '').replace(/(^|-)([a-z])/g, (_m, _d: string, c: string) => c.toUpperCase()),
      shortDescription: { text: doc?.summary ?? id },
      fullDescription: { text: doc?.summary ?? id },
      help: { text: doc?.help ?? doc?.summary ?? id },
      helpUri: doc?.helpUri ?? HELP_URI,
      defaultConfiguration: { level: LEVEL[doc?.severity ?? 'warning'] },
    };
  });
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: { driver: { name: 'flux-workbench', informationUri: 'https://fluxcd.io/flux/', version: '0.1.0', rules } },
      originalUriBaseIds: { '%SRCROOT%': { uri: `${encodeURI(base.split(path.sep).join('/').replace(/\/?$/, '/'))}`.replace(/^(?!file:)/, 'file://') } },
      results: out,
    }],
  };
}
