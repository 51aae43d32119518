/** SOPS detection, metadata and `.sops.yaml` rules: pure functions over text (see metadata.ts, config.ts). */
export * from './metadata';
export * from './config';
