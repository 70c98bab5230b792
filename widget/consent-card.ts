/** The consent card: the post as the page describes it, who gets data once it loads, and the button that loads it. */
import { isMetaHost } from '../instagram/meta-hosts.js';
import { h } from './dom.js';
import { cardBox, type CardFields } from './fallback-card.js';
import type { IgEmbedStrings } from './strings.js';

/** Where the notice links: Instagram's privacy policy (Meta's, for Instagram). */
export const PRIVACY_POLICY_URL = 'https://privacycenter.instagram.com/policy';

// The box and the button come from the fallback card's styles (cardStyles lists `consent` and `consent-button`);
// only what differs is here. Compact on purpose, lines continued with `\`: it counts against the classic script's budget.
export const consentStyles = `[part=consent] [part=media]{min-height:0}[part=consent]>p{margin:14px 16px 0}[part=consent]>p a{color:inherit}\
[part=consent-remember]{display:flex;align-items:center;gap:8px;margin:12px 16px 0}\
input{margin:0}\
[part=consent-button]{font:inherit;font-weight:600;border:0;cursor:pointer;margin-bottom:0}\
[part=consent] [part=link]{margin-top:4px;background:none;color:var(--ig-embed-link-color,light-dark(#0064e0,#4aa3ff))}`;

/**
 * The card a gated element shows before consent. It loads nothing from Meta: no upstream data (there is
 * none yet), no thumbnail on a Meta host, and its links send no referrer. `remember` adds the opt-in
 * checkbox; the button calls `grant` with whether it is ticked.
 */
export function consentCard(fields: CardFields, text: IgEmbedStrings, remember: boolean, grant: (remember: boolean) => void): HTMLElement {
  const box = h('input', { type: 'checkbox' });
  const button = h('button', { part: 'consent-button', type: 'button' }, text.consentButton);
  button.onclick = () => grant(box.checked);
  const card = cardBox(
    'consent',
    fields,
    offMeta(fields.thumbnail),
    undefined,
    text,
    [],
    h('p', {}, text.consentNotice, ' ', h('a', { href: PRIVACY_POLICY_URL, target: '_blank' }, text.privacyPolicy)),
    ...(remember ? [h('label', { part: 'consent-remember' }, box, text.consentRemember)] : []),
    button,
  );
  // Following a link is the visitor's choice, but the page's address need not go with it before consent.
  for (const link of card.querySelectorAll('a')) link.rel = 'noopener noreferrer';
  return card;
}

/**
 * `src` unless it is on a Meta host (or unreadable): an image from Meta would reach Meta before consent.
 * An empty or absent `src` reads as this page's address and comes back as it was: still no thumbnail.
 */
function offMeta(src: string): string {
  try {
    return isMetaHost(new URL(src, document.baseURI).hostname) ? '' : src;
  } catch {
    return '';
  }
}
