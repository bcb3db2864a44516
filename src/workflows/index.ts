export { candidacy } from './candidacy/workflow.js';
