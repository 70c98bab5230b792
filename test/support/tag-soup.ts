/**
 * fast-check generators for the property tests of both sanitisers (node and browsers): tag soup built
 * from the pieces hostile markup is made of, inline styles built from hostile and harmless CSS, and
 * documents that put the soup inside an embed root for `PERMALINK`, so most of them are cleaned, not refused.
 */
import fc from 'fast-check';

export const PERMALINK = 'https://www.instagram.com/p/Soup1/';

const MARKUP = [
  '<', '>', '</', '/>', '"', "'", '=', ' ', '\n', '&', '&lt;', '&#x3c;', '&amp;', '<!--', '-->', '<![CDATA[', ']]>', '<?',
  '<div>', '</div>', '<p>', '</p>', '<span>', '<a>', '</a>', '<br>', '<svg>', '</svg>', '<path d="M0">', '<g>', '<time>',
  '<blockquote>', '</blockquote>', '<script>', '</script>', '<style>', '<math>', '<mi>', '<noscript>', '</noscript>', '<template>',
  '<iframe>', '<img src=x onerror=alert(1)>', '<table>', '<td>', '<textarea>', '<xmp>', '<select>', '<option>', '<foreignObject>',
  'script', 'svg', 'div', 'p', 'a', 'blockquote', 'img', 'instagram-media',
  ' href=', ' onerror=', ' onclick="x()"', ' class=', ' class="instagram-media"', ' data-instgrm-permalink=', ' data-instgrm-x=',
  ' xmlns="http://www.w3.org/2000/svg"', ' viewbox="0 0 1 1"', ' target="_blank"', ' id=x', ' src=x', ' srcdoc=',
  'javascript:alert(1)', PERMALINK, 'https://www.instagram.com/p/Other2/', 'https://evil.example/', 'text',
];

const CSS = [
  'color:red', 'color:#FFF', 'background:#F4F4F4', 'position:fixed', 'position:relative', 'position:absolute', 'z-index:9', 'inset:0',
  'top:0', 'background:url(x)', "background:image-set('x' 1x)", 'background:-webkit-image-set(url(x) 1x)', 'width:calc(100% - 2px)',
  'width:-webkit-calc(100% - 2px)', 'margin:-5px', 'margin:0 auto 12px', 'transform:translateX(-9px)', 'transform:scale(9)',
  'transform:rotate(-45deg) translateX(3px)', 'box-shadow:0 0 1px 0 rgba(0,0,0,0.5)', 'font-family:Arial,sans-serif', 'width:var(--x)',
  'width:expression(alert(1))', '/*', '*/', '\\', '\\72', ';', ':', ' ', '!important', '"', "'", '(', ')', ',', '-', '9999px', '100vw',
];

/** An inline style value: a few declarations and fragments, hostile and harmless, mostly `;`-separated. */
export const styleValue: fc.Arbitrary<string> = fc.array(fc.tuple(fc.constantFrom(...CSS), fc.constantFrom(';', '; ', ';', '', ' ')), { maxLength: 10 })
  .map((parts) => parts.flat().join(''));

/** Tag soup: markup pieces, styled elements and a little random text. */
export const tagSoup: fc.Arbitrary<string> = fc.array(fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...MARKUP) },
  { weight: 2, arbitrary: styleValue.map((style) => `<div style="${style.replace(/"/g, '&quot;')}">`) },
  { weight: 1, arbitrary: fc.string({ maxLength: 4 }) },
), { maxLength: 50 }).map((parts) => parts.join(''));

/** A document: the soup inside an embed root for PERMALINK, sometimes with soup around it too. */
export const embedDocument: fc.Arbitrary<string> = fc.tuple(fc.option(tagSoup, { freq: 4 }), tagSoup, fc.option(tagSoup, { freq: 4 }))
  .map(([before, inner, after]) => `${before ?? ''}<blockquote class="instagram-media" data-instgrm-permalink="${PERMALINK}">${inner}</blockquote>${after ?? ''}`);
