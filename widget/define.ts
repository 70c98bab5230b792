/** Registers `<ig-embed>` (once: importing this twice, or next to the script build, is harmless). */
import { IgEmbedElement } from './ig-embed-element.js';

declare global {
  interface HTMLElementTagNameMap {
    'ig-embed': IgEmbedElement;
  }
}

IgEmbedElement.define();
