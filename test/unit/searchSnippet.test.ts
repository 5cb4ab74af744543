// The one-line snippet under a search hit: around the first query word found, on one line.

import * as assert from 'node:assert/strict';
import { snippetFor } from '../../src/core/query/snippet';

const text = (over: Partial<Record<'name' | 'input' | 'output' | 'tools', string>>) => ({
  name: '',
  input: '',
  output: '',
  tools: '',
  ...over,
});

describe('search snippet', () => {
  it('cuts the text around the first matching word, on one line', () => {
    const input = `${'x '.repeat(60)}My jacket\nfrom order A-4120 arrived torn. ${'y '.repeat(100)}`;
    const s = snippetFor(text({ input, output: 'You can return it within 60 days.' }), ['jacket']);
    assert.equal(s?.field, 'input');
    assert.ok(s!.text.startsWith('…'), s!.text);
    assert.match(s!.text, /My jacket from order A-4120 arrived torn\./);
    assert.ok(!s!.text.includes('\n'));
    assert.ok(s!.text.endsWith('…'));
  });

  it('matches whole words from their start, ignoring case and accents', () => {
    assert.equal(snippetFor(text({ output: 'a holiday in the Café district' }), ['cafe'])?.text, 'a holiday in the Café district');
    assert.equal(snippetFor(text({ output: 'refunds only', tools: 'refund' }), ['refund'])?.field, 'tools');
    assert.equal(snippetFor(text({ output: 'refunds only' }), ['refund'])?.field, 'output');
    assert.equal(snippetFor(text({ output: 'prerefund', tools: '{"refund": true}' }), ['refund'])?.field, 'tools');
    // A whole word wins over a longer word starting the same way, further on in the same text.
    assert.equal(
      snippetFor(text({ input: 'Gifts can be returned. Bring the gift receipt.' }), ['gift'])?.text,
      'Gifts can be returned. Bring the gift receipt.',
    );
    const long = `Gifts can be returned ${'z '.repeat(40)} the gift receipt`;
    assert.match(snippetFor(text({ input: long }), ['gift'])!.text, /^….*the gift receipt$/);
  });

  it('starts on a whole word', () => {
    const input = 'lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor gift receipt';
    const s = snippetFor(text({ input }), ['gift'])!.text;
    const first = s.slice(1).split(' ')[0];
    assert.ok(s.startsWith('…') && input.split(' ').includes(first), s);
  });

  it('tries the terms in order, then falls back to the output', () => {
    assert.equal(snippetFor(text({ input: 'question', output: 'answer' }), ['missing', 'answer'])?.field, 'output');
    assert.deepEqual(snippetFor(text({ input: 'question', output: '  the\tanswer  ' }), []), { field: 'output', text: 'the answer' });
    assert.equal(snippetFor(text({ name: 'x' }), ['nothing']), undefined);
  });
});
