// Types for the fake Instagram (index.mjs is plain JS so web-test-runner's Node config can import it).
import type { BrowserContext } from 'playwright';

export function heightFor(shortcode: string): number;
export const FAKE_EMBED_JS: string;
/** The fake embed iframe page for one post: an Instagram-like picture, exactly `heightFor(shortcode)` (or `heights[shortcode]`) px tall. */
/** The fake embed iframe page for one post: Instagram-like, marked "test stand-in", exactly as tall as the MEASURE height it posts. */
export function embedPage(shortcode: string, heights?: Record<string, number>): string;
export interface FakeInstagramStats { scriptRequests: number; frameRequests: string[] }
export function routeInstagram(
  context: BrowserContext,
  options?: { heights?: Record<string, number> },
): Promise<FakeInstagramStats>;
export const FAKE_EMBED_JS_VARIANTS: Record<'noop' | 'throws' | 'empty', string>;
export const INSTAGRAM_URL: RegExp;
export function answerInstagram(
  href: string,
  stats: FakeInstagramStats,
  options?: { heights?: Record<string, number> },
): Promise<{ status: number; contentType: string; body: string } | null>;
export function interceptInstagram(
  page: import('puppeteer-core').Page,
  options?: { heights?: Record<string, number> },
): Promise<FakeInstagramStats>;
