// The proxy's side of the sanitiser contract: its verdict on every document of the shared hostile corpus
// (the widget runs the same corpus in the browsers: test/widget/sanitizer-contract.test.ts).
import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { sanitizeEmbedHtml } from '../../proxy/sanitize-html.js';
import { EMBED_CORPUS, FORBIDDEN_IN_OUTPUT } from '../support/embed-corpus.js';

describe('sanitizeEmbedHtml on the shared hostile corpus', () => {
  for (const doc of EMBED_CORPUS) {
    test(`${doc.proxy === 'accept' ? 'cleans' : 'refuses'} ${doc.name}`, () => {
      const output = sanitizeEmbedHtml(doc.html, doc.permalink);
      assert.equal(output === null ? 'reject' : 'accept', doc.proxy);
      if (output !== null) assert.doesNotMatch(output, FORBIDDEN_IN_OUTPUT);
    });
  }
});
