export { candidacy } from './candidacy/workflow.js';
export { jurySession } from './jury-session/workflow.js';
