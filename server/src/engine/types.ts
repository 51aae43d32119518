/**
 * Core value types shared by the engine, the cluster core and the adapters.
 * Positions are 0-based lines and UTF-16 character offsets, as in LSP.
 */
export type Severity = 'error' | 'warning' | 'information' | 'hint';

export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

/** A diagnostic produced by the engine. `code` is stable, e.g. `flux/unknown-field`. */
export interface FluxDiagnostic {
  range: Range;
  severity: Severity;
  code: string;
  message: string;
  /** Extra machine-readable data for code actions (e.g. a suggested replacement). */
  data?: { suggestion?: string; [key: string]: unknown };
}
