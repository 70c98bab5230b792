/** Entry `ig-embed`: registers `<ig-embed>` and exports the class and its types. */
import './define.js';

export * from './element.js';
