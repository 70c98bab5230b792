// Compiles: <ig-embed> in Preact's JSX, typed by ig-embed/jsx-preact.
import type {} from 'ig-embed/jsx-preact';

export const Post = ({ url }: { url: string }) => (
  <ig-embed url={url} maxwidth={540} hidecaption loading="eager" author-url="https://www.instagram.com/jane/"
    onig-embed-load={(e) => console.log(e.detail.url)}
    onig-embed-fallback={(e) => console.log(e.detail.reason)}>
    <a href={url}>View this post on Instagram</a>
  </ig-embed>
);
