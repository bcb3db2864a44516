export * from './allocation.js';
export * from './allocator.js';
export * from './config.js';
export * from './stratum.js';
