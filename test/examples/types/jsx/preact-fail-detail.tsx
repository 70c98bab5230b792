// Must not compile: ig-embed-load's detail has a url, not a reason.
import type {} from 'ig-embed/jsx-preact';

export const Post = () => <ig-embed url="https://www.instagram.com/p/fA9uwTtkSN/" onig-embed-load={(e) => e.detail.reason} />;
