export * from './line-index';
export * from './parse';
export * from './nodes';
