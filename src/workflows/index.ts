export { candidacy } from './candidacy.js';
