// Entry of the static demo pages: registers <ig-embed> from the npm build and mirrors each element's state in a label.
import '../widget/index.js';
import { mirrorStates } from './state-pills.js';

mirrorStates();
