// A stand-in for Instagram's embed.js, for the Fallbacks page's "Never mounts" case (never-mounts.html):
// it does what embed.js does up to the iframe (renames the blockquote's class, inserts an iframe before
// it), but the frame is blank and never reports MOUNTED, as when Instagram's frame is blocked or stalls.
// Nothing here talks to Instagram, so the case behaves the same online and offline.
window.instgrm = {
  Embeds: {
    process() {
      for (const quote of document.querySelectorAll('blockquote.instagram-media')) {
        quote.className = quote.className.replace(/\binstagram-media\b/, 'instagram-media-registered');
        const frame = document.createElement('iframe');
        frame.className = 'instagram-media';
        frame.setAttribute('height', '0');
        frame.src = 'about:blank';
        quote.before(frame);
      }
    },
  },
};
