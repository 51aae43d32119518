/**
 * Plain JSON shapes of Flux objects as the API server returns them. The cluster core
 * passes these around; it never needs client-node's generated model classes for CRDs.
 */
export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
  observedGeneration?: number;
}

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: Array<{ apiVersion: string; kind: string; name: string; uid: string; controller?: boolean }>;
}

export interface FluxStatus {
  conditions?: Condition[];
  observedGeneration?: number;
  lastHandledReconcileAt?: string;
  [key: string]: unknown;
}

export interface FluxObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  spec?: Record<string, unknown>;
  status?: FluxStatus;
}

/** Identifies one object: the kind (Flux kind name), namespace and name. */
export interface ObjectKey {
  kind: string;
  namespace: string;
  name: string;
}
