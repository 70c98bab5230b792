// Must not compile: ig-embed-fallback's detail has a reason, not a url.
import type {} from 'ig-embed/jsx-react';

export const Post = () => (
  <ig-embed url="https://www.instagram.com/p/fA9uwTtkSN/"
    onig-embed-fallback={(e: CustomEvent<{ url: string }>) => console.log(e.detail.url)} />
);
