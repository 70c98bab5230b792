// Types for the fake Instagram (index.mjs is plain JS so web-test-runner's Node config can import it).
import type { BrowserContext } from 'playwright';

export function heightFor(shortcode: string): number;
export const FAKE_EMBED_JS: string;
export function embedPage(shortcode: string, heights?: Record<string, number>): string;
export interface FakeInstagramStats { scriptRequests: number; frameRequests: string[] }
export function routeInstagram(
  context: BrowserContext,
  options?: { heights?: Record<string, number> },
): Promise<FakeInstagramStats>;
