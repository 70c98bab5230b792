// Must not compile: maxwidth is a number.
import type {} from 'ig-embed/jsx-react';

export const Post = () => <ig-embed url="https://www.instagram.com/p/fA9uwTtkSN/" maxwidth="wide" />;
