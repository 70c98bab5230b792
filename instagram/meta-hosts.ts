/** Which hosts are Meta's: a request to one of them tells Meta who is looking (the consent card loads nothing from them). */

/** True for a hostname (as `URL#hostname` gives it: decoded, lower case) that is Meta's or one of its subdomains. */
export function isMetaHost(hostname: string): boolean {
  // Instagram's sites, its CDN, Facebook's sites, CDNs and pixel, and Meta's other brands that serve
  // pictures; each with every subdomain. A trailing dot is the same host to DNS. Written as one literal
  // where it is used: it ships in the classic script.
  return /(^|\.)(((cdn)?instagram|facebook|fbsbx|fb|meta|threads)\.com|(facebook|fbcdn|threads)\.net|instagr\.am)\.?$/i.test(hostname);
}
