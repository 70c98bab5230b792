// Entry of the static demo pages: registers <ig-embed> from the npm build, mirrors each element's state in a label, and (front page) says when Instagram is out of reach.
import '../widget/index.js';
import { offlineNotice } from './offline-notice.js';
import { mirrorStates } from './state-pills.js';

mirrorStates();
offlineNotice();
