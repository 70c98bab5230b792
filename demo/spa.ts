// SPA demo: adds, changes and removes <ig-embed> elements at runtime, using the npm build of the widget.
// The npm entry (`import { IgEmbedElement } from 'ig-embed'`): registers <ig-embed> and exports its class.
import { IgEmbedElement } from '../widget/index.js';

/** Posts the proxy has recordings for, so the demo also works with UPSTREAM=fixtures. */
const PRESETS = [
  'https://www.instagram.com/p/fA9uwTtkSN/',
  'https://www.instagram.com/reel/DTxk5orCKEv/',
  'https://www.instagram.com/p/B9bOM-6Ax_d/',
  'https://www.instagram.com/tv/CCX-gcHArcJ/',
  'https://www.instagram.com/reel/CIyNZQhH4DQ/',
];

const $ = <T extends HTMLElement>(id: string): T => {
  const found = document.getElementById(id);
  if (!found) throw new Error(`spa: #${id} is missing from spa.html`);
  return found as T;
};

const slots = $<HTMLDivElement>('slots');
const empty = $<HTMLParagraphElement>('empty');
const log = $<HTMLOListElement>('log');
const stats = $<HTMLParagraphElement>('stats');
const form = $<HTMLFormElement>('add-form');
const urlInput = $<HTMLInputElement>('add-url');
const maxwidthInput = $<HTMLInputElement>('add-maxwidth');
const hidecaptionInput = $<HTMLInputElement>('add-hidecaption');
let nextId = 1;

/** Builds an element with text content only: nothing here is ever parsed as HTML. */
function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Partial<Record<string, string>> = {},
  ...children: Array<Node | string>
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) if (value !== undefined) element.setAttribute(name, value);
  element.append(...children);
  return element;
}

function record(message: string): void {
  const time = new Date().toLocaleTimeString([], { hour12: false });
  log.prepend(h('li', {}, `${time}  ${message}`));
  while (log.childElementCount > 50) log.lastElementChild?.remove();
}

function updateStats(): void {
  const embeds = slots.querySelectorAll('ig-embed').length;
  const scripts = document.querySelectorAll('script[src*="embed.js"]').length;
  const requests = performance.getEntriesByType('resource').filter((e) => e.name.includes('/instagram_oembed?')).length;
  stats.textContent = `${embeds} embed${embeds === 1 ? '' : 's'} on the page · embed.js script tags: ${scripts} · proxy requests so far: ${requests}`;
  empty.hidden = embeds > 0;
}

function addEmbed(url: string, options: { hidecaption?: boolean; maxwidth?: number } = {}): void {
  const id = nextId++;
  const embed = new IgEmbedElement();
  embed.url = url;
  if (options.hidecaption) embed.hidecaption = true;
  if (options.maxwidth !== undefined) embed.maxwidth = options.maxwidth;
  // The no-JS link is what a server-rendered app would put inside; the element hides it once it takes over.
  embed.append(h('a', { href: url }, 'View this post on Instagram'));

  const state = h('span', { class: 'state', 'data-state': 'idle' }, 'idle');
  const shownUrl = h('span', { class: 'url' }, url);
  const change = h('button', { type: 'button', 'data-action': 'change' }, 'Next post');
  const caption = h('button', { type: 'button', 'data-action': 'caption' }, 'Toggle caption');
  const remove = h('button', { type: 'button', 'data-action': 'remove', class: 'danger' }, 'Remove');
  const slot = h('section', { class: 'slot', 'aria-label': `Embed ${id}`, 'data-slot': String(id) },
    h('div', { class: 'slot-bar' }, h('strong', {}, `#${id}`), state, change, caption, remove, shownUrl),
    embed);

  let reason = '';
  const showState = (): void => {
    const value = embed.getAttribute('state') ?? 'idle';
    state.dataset.state = value;
    state.textContent = value === 'fallback' && reason ? `fallback: ${reason}` : value;
    updateStats();
  };
  new MutationObserver(showState).observe(embed, { attributes: true, attributeFilter: ['state'] });
  embed.addEventListener('ig-embed-load', (event) => record(`#${id} ig-embed-load ${event.detail.url}`));
  embed.addEventListener('ig-embed-fallback', (event) => {
    reason = event.detail.reason;
    record(`#${id} ig-embed-fallback (${reason}) ${embed.url}`);
    showState();
  });

  change.addEventListener('click', () => {
    const next = PRESETS[(PRESETS.indexOf(embed.url) + 1) % PRESETS.length] ?? PRESETS[0]!;
    reason = '';
    embed.url = next;
    shownUrl.textContent = next;
    record(`#${id} url → ${next}`);
  });
  caption.addEventListener('click', () => {
    embed.hidecaption = !embed.hidecaption;
    record(`#${id} hidecaption → ${embed.hidecaption}`);
  });
  remove.addEventListener('click', () => {
    slot.remove();
    record(`#${id} removed`);
    updateStats();
  });

  slots.append(slot);
  record(`#${id} added ${url}`);
  updateStats();
}

for (const preset of PRESETS) $<HTMLDataListElement>('presets').append(h('option', { value: preset }));

form.addEventListener('submit', (event) => {
  event.preventDefault();
  const maxwidth = maxwidthInput.valueAsNumber;
  addEmbed(urlInput.value.trim(), {
    hidecaption: hidecaptionInput.checked,
    ...(Number.isFinite(maxwidth) ? { maxwidth } : {}),
  });
});
$<HTMLButtonElement>('clear-all').addEventListener('click', () => {
  const count = slots.childElementCount;
  slots.replaceChildren();
  record(`removed all (${count})`);
  updateStats();
});
new PerformanceObserver(updateStats).observe({ type: 'resource' });

addEmbed(PRESETS[0]!);
