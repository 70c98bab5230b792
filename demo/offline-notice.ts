// The front page's one line on why it shows cards: fixtures mode (from /healthz), or Instagram unreachable
// (an embed fell back because embed.js did not load, or the proxy could not reach Meta), with a screenshot
// of what a rendered post looks like, so an offline visitor still sees what the element is for.

/** The fallback reasons that mean "Instagram could not be reached", from this browser or from the proxy. */
const UNREACHABLE = new Set(['script_blocked', 'proxy_error', 'network']);

/** Starts the notice when the page has one (`[data-offline-notice]`); does nothing elsewhere. */
export function offlineNotice(): void {
  const notice = document.querySelector<HTMLElement>('[data-offline-notice]');
  if (!notice) return;
  let fixtures = false;
  let unreachable = '';
  const show = (): void => {
    if (!fixtures && !unreachable) return;
    notice.textContent = unreachable === 'browser'
      ? `Instagram is unreachable from this browser, so posts are shown as fallback cards${fixtures ? ' (the proxy runs with UPSTREAM=fixtures).' : '.'}`
      : unreachable === 'proxy' && !fixtures
        ? 'The proxy cannot reach Instagram, so posts are shown as fallback cards.'
        : 'Offline demo (UPSTREAM=fixtures): the proxy answers from recordings, and where this browser cannot reach Instagram, posts are shown as fallback cards.';
    notice.hidden = false;
    for (const example of document.querySelectorAll<HTMLElement>('[data-rendered-example]')) example.hidden = false;
  };
  document.addEventListener('ig-embed-fallback', (event) => {
    const reason = String((event as CustomEvent<{ reason?: string }>).detail?.reason ?? '');
    if (!UNREACHABLE.has(reason) || unreachable === 'browser') return;
    unreachable = reason === 'script_blocked' ? 'browser' : 'proxy';
    show();
  });
  fetch('/healthz').then((r) => r.json() as Promise<{ upstream?: string }>).then((health) => {
    fixtures = health.upstream === 'fixtures';
    show();
  }, () => undefined);
}
