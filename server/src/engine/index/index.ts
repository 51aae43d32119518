export * from './workspace-index';
export * from './references';
