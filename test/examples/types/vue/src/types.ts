// The one line a Vue project adds (any .ts file the project includes): GlobalComponents gets <ig-embed>.
import type {} from 'ig-embed/vue';
