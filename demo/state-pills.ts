// The `.state` pills of the demo pages: each mirrors its element's state, whichever build registered <ig-embed>.

/** Keeps the `.state` pill next to an element in step with its reflected `state` attribute and fallback reason. */
function mirrorState(element: Element, pill: HTMLElement): void {
  let reason = '';
  const show = (): void => {
    const state = element.getAttribute('state') ?? 'idle';
    pill.dataset.state = state;
    pill.textContent = state === 'fallback' && reason ? `fallback: ${reason}` : state;
  };
  element.addEventListener('ig-embed-fallback', (event) => {
    reason = String((event as CustomEvent<{ reason?: string }>).detail?.reason ?? '');
    show();
  });
  new MutationObserver(show).observe(element, { attributes: true, attributeFilter: ['state'] });
  show();
}

/** Starts every pill of the page: an element and a `.state` pill inside `[data-embed-holder]` or `figure.embed`. */
export function mirrorStates(): void {
  for (const holder of document.querySelectorAll<HTMLElement>('[data-embed-holder], figure.embed')) {
    const element = holder.querySelector('ig-embed');
    const pill = holder.querySelector<HTMLElement>('.state');
    if (element && pill) mirrorState(element, pill);
  }
}
