/** The attributed fallback card: its DOM (built from text and nodes only) and its styles. */
import { isInstagramHttpsUrl } from '../instagram/embed-markup.js';
import { h } from './dom.js';
import type { FallbackReason, OembedData } from './oembed-request.js';
import { parsePostUrl } from './post-url.js';
import type { IgEmbedStrings } from './strings.js';

/** What the page author gave the element (its attributes). */
export interface CardFields {
  url: string;
  author: string;
  authorUrl: string;
  thumbnail: string;
  thumbnailAlt: string;
}

// Plain text, joined with the element's and the consent card's into the one stylesheet (ig-embed-element.ts).
// Written compact on purpose: it is shipped as is and counts against the classic script's budget. Each line
// ends in `\`, a line continuation, so the text itself has no newlines (they cost 30 B gzip in all three).
// The consent card (consent-card.ts) shares the box and the button: its `consent` and `consent-button` parts are listed here.
// --_b is the card background (the button's text takes it), --_m the muted panel mixed from the text colour.
// Defaults follow the host page's `color-scheme` (light-dark()), so a dark page gets a dark card.
// The card resets the inherited text properties a host page may have changed (a centred or spaced-out
// page stays outside): `font` resets style, weight, variant, stretch, features and line-height; the rest
// are listed. Direction is inherited on purpose.
export const cardStyles = `[part=card],[part=consent]{--_b:var(--ig-embed-background,light-dark(#fff,#121212));--_m:color-mix(in srgb,currentColor 4%,var(--_b));flex:1;box-sizing:border-box;display:flex;flex-direction:column;overflow:hidden;\
background:var(--_b);color:var(--ig-embed-color,light-dark(#262626,#f5f5f5));border:var(--ig-embed-border,1px solid light-dark(#dbdbdb,#363636));\
border-radius:var(--ig-embed-radius,3px);font:var(--ig-embed-font,14px/1.4 system-ui,sans-serif);\
text-align:start;text-indent:0;text-transform:none;letter-spacing:normal;word-spacing:normal;white-space:normal;text-shadow:none;word-break:normal}\
[part=header]{display:flex;align-items:center;gap:12px;padding:12px 16px}p{margin:0}\
[part=avatar]{box-sizing:border-box;flex:none;display:grid;place-items:center;width:38px;height:38px;border:2px solid transparent;border-radius:50%;\
font-weight:600;box-shadow:inset 0 0 0 2px var(--_b);background:linear-gradient(var(--_m),var(--_m)) padding-box,linear-gradient(45deg,#feda75,#fa7e1e,#d62976,#962fbf,#4f5bd5) border-box}\
[part=attribution]{display:flex;flex-direction:column;gap:3px;min-width:0;font-weight:600}\
[part=author]{color:inherit;text-decoration:none;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}\
[part=author]+*{font-weight:400;font-size:.86em}[part=author]+*,[part=message]{color:color-mix(in srgb,currentColor 72%,transparent)}\
[part=media]{position:relative;flex:1;min-height:160px;display:grid;place-items:center;background:var(--_m)}\
img{position:absolute;inset:0;width:100%;height:100%;object-fit:cover}\
[part=message]{display:grid;justify-items:center;gap:12px;padding:24px;text-align:center}\
svg{width:48px;height:48px;fill:none;stroke:currentColor;stroke-width:1.5;stroke-linecap:round}[part=avatar] svg{width:20px;height:20px;stroke-width:2}\
[part=link],[part=consent-button]{margin:14px 16px 16px;padding:9px 16px;border-radius:8px;text-align:center;font-weight:600;text-decoration:none;\
background:var(--ig-embed-link-color,light-dark(#0064e0,#4aa3ff));color:var(--_b)}\
a:hover{text-decoration:underline}:focus-visible{outline:2px solid var(--ig-embed-focus,#0095f6);outline-offset:2px}`;

/**
 * The card for a post that cannot be shown: avatar and attribution, the thumbnail or a message, and
 * the link to the post. Upstream data (`data`, only from apps on older terms) fills what the page author
 * left out, except for `not_embeddable`: a deleted or private post shows nothing that came from upstream.
 */
export function fallbackCard(fields: CardFields, reason: FallbackReason | undefined, data: OembedData | undefined, text: IgEmbedStrings): HTMLElement {
  const upstream = reason === 'not_embeddable' ? undefined : data;
  const thumbnail = fields.thumbnail || (upstream?.thumbnail_url?.startsWith('https://') ? upstream.thumbnail_url : '');
  return cardBox('card', fields, thumbnail, upstream, text, [h('p', {}, reason === 'not_embeddable' ? text.unavailable : text.failed)]);
}

/**
 * The box both cards are built in (the fallback card and the consent card, `part`): the header with
 * avatar and attribution, the media panel (`thumbnail`, each card's own choice, or the glyph over
 * `note`), then `footer` and the link to the post. `upstream` fills what the page author left out.
 */
export function cardBox(part: string, fields: CardFields, thumbnail: string, upstream: OembedData | undefined, text: IgEmbedStrings, note: Node[], ...footer: Node[]): HTMLElement {
  const post = parsePostUrl(fields.url);
  const author = fields.author || upstream?.author_name || post?.username;
  const authorUrl = /^https?:\/\//.test(fields.authorUrl)
    ? fields.authorUrl
    : upstream?.author_url && isInstagramHttpsUrl(upstream.author_url)
      ? upstream.author_url
      : post?.username && `https://www.instagram.com/${post.username}/`;
  const initial = author?.match(/[\p{L}\p{N}]/u)?.[0];
  const attribution = h('p', { part: 'attribution' }, h('span', { part: 'provider' }, text.provider));
  if (author) attribution.prepend(authorUrl ? link('author', authorUrl, author) : h('span', { part: 'author' }, author));
  const message = h('div', { part: 'message' }, glyph(), ...note);
  const media = h('div', { part: 'media' }, message);
  if (thumbnail) {
    const image = h('img', { part: 'thumbnail', src: thumbnail, alt: fields.thumbnailAlt || text.thumbnailAlt, referrerpolicy: 'no-referrer' });
    message.hidden = true;
    // A broken image goes and the message takes its place; the card stays.
    image.onerror = () => {
      image.hidden = true;
      message.hidden = false;
    };
    media.prepend(image);
  }
  const card = h(
    'div',
    { part },
    h('div', { part: 'header' }, h('span', { part: 'avatar', 'aria-hidden': 'true' }, initial?.toUpperCase() ?? glyph()), attribution),
    media,
    ...footer,
  );
  if (post) card.append(link('link', post.url, text.view));
  return card;
}

/** Instagram's camera outline as one path: no external asset, nothing parsed. */
function glyph(): SVGSVGElement {
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  const path = document.createElementNS('http://www.w3.org/2000/svg', 'path');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  path.setAttribute('d', 'M7 2h10a5 5 0 0 1 5 5v10a5 5 0 0 1-5 5H7a5 5 0 0 1-5-5V7a5 5 0 0 1 5-5zm9 10a4 4 0 1 1-8 0 4 4 0 0 1 8 0zm1.5-5.5h.01');
  svg.append(path);
  return svg;
}

function link(part: string, href: string, label: string): HTMLAnchorElement {
  return h('a', { part, href, target: '_blank', rel: 'noopener' }, label);
}
