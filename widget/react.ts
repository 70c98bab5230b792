/**
 * Entry `ig-embed/react`: `<IgEmbed>`, a React component for `<ig-embed>` made with `@lit/react`, for React 18
 * and 19. Importing it registers the element. Props the class declares (`url`, `maxwidth`, `strings`…) are set
 * as properties; the element's events arrive as `onLoad`, `onFallback` and `onConsent`, each typed with its
 * `detail`. Only this entry imports `react` and `@lit/react`: `ig-embed` and `ig-embed/element` never do, so a
 * bundler following those entries pulls Lit alone.
 */
import { createComponent, type EventName } from '@lit/react';
import * as React from 'react';
import './define.js';
import { IgEmbedElement, type IgEmbedConsentDetail, type IgEmbedFallbackDetail, type IgEmbedLoadDetail } from './element.js';

export type { IgEmbedConsentDetail, IgEmbedFallbackDetail, IgEmbedLoadDetail } from './element.js';

export const IgEmbed = createComponent({
  tagName: 'ig-embed',
  elementClass: IgEmbedElement,
  react: React,
  events: {
    /** `ig-embed-load`: the post rendered (`state` is `rendered`). */
    onLoad: 'ig-embed-load' as EventName<CustomEvent<IgEmbedLoadDetail>>,
    /** `ig-embed-fallback`: the card is shown instead; `event.detail.reason` says why. */
    onFallback: 'ig-embed-fallback' as EventName<CustomEvent<IgEmbedFallbackDetail>>,
    /** `ig-embed-consent`: a visitor allowed Instagram on the consent card. */
    onConsent: 'ig-embed-consent' as EventName<CustomEvent<IgEmbedConsentDetail>>,
  },
  displayName: 'IgEmbed',
});

/** The props `<IgEmbed>` takes (element properties, React's HTML attributes, the three event props). */
export type IgEmbedProps = React.ComponentProps<typeof IgEmbed>;
