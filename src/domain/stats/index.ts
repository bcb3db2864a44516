export * from './confidentiality.js';
export * from './kaplan-meier.js';
export * from './log-rank.js';
export * from './newcombe.js';
export * from './normal.js';
export * from './survival-quantile.js';
export * from './wilson.js';
export { sortedTimes, sortTimes, type SortedTimes } from './sorted-times.js';
