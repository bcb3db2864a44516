export * from './actions.js';
export * from './apply-timer.js';
export * from './clock.js';
export * from './deadlines.js';
export * from './effects.js';
export * from './state.js';
export * from './timers.js';
