// The tests drive Debian's Firefox ESR (web-test-runner.firefox.config.mjs); no test tool may download a browser,
// so Puppeteer's install step (a dependency of @web/test-runner-puppeteer) downloads none, with or without
// PUPPETEER_SKIP_DOWNLOAD. Puppeteer looks for this file from the project root.
module.exports = { skipDownload: true };
