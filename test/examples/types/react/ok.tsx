// Compiles: the element typed by ig-embed/jsx-react, next to React's own types (useState must still be there:
// the README's old typing line replaced React's module), and <IgEmbed> from ig-embed/react.
import { useState } from 'react';
import type {} from 'ig-embed/jsx-react';
import { IgEmbed } from 'ig-embed/react';
import type { FallbackReason, IgEmbedElement } from 'ig-embed';

export function Post({ url }: { url: string }) {
  const [reason, setReason] = useState<FallbackReason | ''>('');
  return (
    <div title={reason}>
      <ig-embed url={url} maxwidth={400} hidecaption loading="eager" timeout={5000} author="Jane"
        author-url="https://www.instagram.com/jane/" consent="required" className="post"
        onig-embed-load={(e) => console.log(e.detail.url.toUpperCase())}
        onig-embed-fallback={(e) => setReason(e.detail.reason)}
        onig-embed-consent={(e) => console.log(e.detail.scope === 'page')}>
        <a href={url}>View this post on Instagram</a>
      </ig-embed>
      <IgEmbed url={url} maxwidth={400} hidecaption strings={{ view: 'Open on Instagram' }}
        ref={(element: IgEmbedElement | null) => { console.log(element?.state); }}
        onLoad={(e) => console.log(e.detail.url)}
        onFallback={(e) => setReason(e.detail.reason)}
        onConsent={(e) => console.log(e.detail.scope)} />
    </div>
  );
}
