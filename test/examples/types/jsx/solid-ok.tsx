// Compiles: <ig-embed> in Solid's JSX, typed by ig-embed/solid.
import type {} from 'ig-embed/solid';

export const Post = (props: { url: string }) => (
  <ig-embed url={props.url} maxwidth={540} loading="eager" prop:strings={{ view: 'Open on Instagram' }}
    on:ig-embed-load={(e) => console.log(e.detail.url)}
    on:ig-embed-fallback={(e) => console.log(e.detail.reason)}>
    <a href={props.url}>View this post on Instagram</a>
  </ig-embed>
);
