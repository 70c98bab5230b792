// After `vite build --mode script`: one classic file per consent adapter into widget/dist/script/
// (ig-embed.consent-<adapter>.js). Vite builds an IIFE from one entry at a time, so this runs its
// `consent-<adapter>` modes in turn (vite.config.ts); the list is widget/consent/adapters.json.
import { build } from 'vite';
import adapters from '../widget/consent/adapters.json' with { type: 'json' };

for (const name of adapters) {
  await build({ mode: `consent-${name}`, logLevel: 'warn' });
}
console.log(`ig-embed: built ${adapters.length} consent adapters (${adapters.join(', ')}) into widget/dist/script/`);
