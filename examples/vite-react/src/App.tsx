// Two ways to put a post in React: the <IgEmbed> component (React 18 and 19), and the element itself (React 19),
// typed by ig-embed/jsx-react. Both register <ig-embed> when imported.
import { useState } from 'react';
import 'ig-embed';
import type {} from 'ig-embed/jsx-react';
import { IgEmbed } from 'ig-embed/react';

const POST = 'https://www.instagram.com/p/fA9uwTtkSN/';
const UNAVAILABLE = 'https://www.instagram.com/p/NotEmbeddable/';

export function App() {
  const [post, setPost] = useState('waiting');
  const [card, setCard] = useState('waiting');
  return (
    <main>
      <h1>ig-embed with React</h1>
      <IgEmbed id="post" url={POST} maxwidth={540}
        onLoad={(e) => setPost(`loaded ${e.detail.url}`)}
        onFallback={(e) => setPost(`fallback ${e.detail.reason}`)}>
        <a href={POST}>View this post on Instagram</a>
      </IgEmbed>
      <output id="post-status">{post}</output>

      <ig-embed id="unavailable" url={UNAVAILABLE} author="natgeo"
        onig-embed-load={() => setCard('loaded')}
        onig-embed-fallback={(e) => setCard(`fallback ${e.detail.reason}`)}>
        <a href={UNAVAILABLE}>View this post on Instagram</a>
      </ig-embed>
      <output id="unavailable-status">{card}</output>
    </main>
  );
}
