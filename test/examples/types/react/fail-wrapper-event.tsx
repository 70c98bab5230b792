// Must not compile: onLoad's detail has a url, not a reason.
import { IgEmbed } from 'ig-embed/react';

export const Post = () => <IgEmbed url="https://www.instagram.com/p/fA9uwTtkSN/" onLoad={(e) => e.detail.reason} />;
