/**
 * The schema model: a subset of OpenAPI v3 / JSON Schema, the same shape a CRD's
 * `spec.versions[].schema.openAPIV3Schema` has, so a live cluster's CRD can override
 * the bundled schema without conversion.
 */
export type SchemaType = 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';

export interface SchemaNode {
  type?: SchemaType;
  description?: string;
  properties?: Record<string, SchemaNode>;
  required?: string[];
  /** A map's value schema (`true` = any value). */
  additionalProperties?: SchemaNode | boolean;
  items?: SchemaNode;
  enum?: Array<string | number | boolean>;
  pattern?: string;
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  default?: unknown;
  nullable?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  /** CEL rules of a CRD (kept for schemas read from a cluster or the workspace; the bundled ones carry none). */
  'x-kubernetes-validations'?: CelValidation[];
}

/** One `x-kubernetes-validations` entry of a CRD schema. */
export interface CelValidation {
  rule: string;
  message?: string;
  messageExpression?: string;
  fieldPath?: string;
}

/** One kind at one API version. */
export interface KindSchema {
  group: string;
  version: string;
  kind: string;
  schema: SchemaNode;
}
