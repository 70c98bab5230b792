// Must not compile: <IgEmbed>'s timeout is a number.
import { IgEmbed } from 'ig-embed/react';

export const Post = () => <IgEmbed url="https://www.instagram.com/p/fA9uwTtkSN/" timeout="5s" />;
