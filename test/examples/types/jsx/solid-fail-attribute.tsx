// Must not compile: loading is 'lazy' or 'eager'.
import type {} from 'ig-embed/solid';

export const Post = () => <ig-embed url="https://www.instagram.com/p/fA9uwTtkSN/" loading="soon" />;
