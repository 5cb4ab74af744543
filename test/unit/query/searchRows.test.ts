// What spanSearchRows keeps as full text (docs/search.md, "What is indexed"): the latest turn of
// a call's messages, head and tail of long pieces, documents' ids, titles and beginnings.

import * as assert from 'node:assert/strict';
import type { Span } from '../../../src/core/model/span';
import { headAndTail, latestTurn, spanSearchRows } from '../../../src/core/query/searchRows';

const span = (over: Partial<Span>): Span => ({
  traceId: 't',
  spanId: 's',
  name: 'chat gpt-4o',
  kind: 'llm',
  startNs: 0n,
  endNs: 1n,
  status: 'unset',
  attributes: {},
  events: [],
  ...over,
});

describe('spanSearchRows: what full text keeps', () => {
  it('keeps the latest turn of the input messages: from the last user message on, no system prompt', () => {
    const messages = [
      { role: 'system', content: 'You are the support assistant (template text)' },
      { role: 'user', content: 'first question about parcels' },
      { role: 'assistant', content: 'first answer' },
      { role: 'user', content: 'second question about refunds' },
      { role: 'assistant', content: '', toolCalls: [{ name: 'lookup_order', arguments: '{"id":1}' }] },
      { role: 'tool', content: 'order 1 was delivered' },
    ];
    assert.deepEqual(
      latestTurn(messages).map((m) => m.content),
      ['second question about refunds', '', 'order 1 was delivered'],
    );
    const rows = spanSearchRows(span({ inputMessages: messages }));
    assert.equal(rows.text.input, 'second question about refunds\norder 1 was delivered');
    assert.ok(!rows.text.input.includes('template text') && !rows.text.input.includes('parcels'));
    // Without a user message: every message but system and developer ones.
    assert.deepEqual(
      latestTurn([
        { role: 'developer', content: 'rules' },
        { role: 'assistant', content: 'hello' },
      ]).map((m) => m.content),
      ['hello'],
    );
  });

  it('cuts a long piece to its head and tail, never splitting a surrogate pair', () => {
    const long = `instructions ${'x'.repeat(5000)} what is the refund window?`;
    const kept = headAndTail(long, 100);
    assert.equal(kept.length, 100);
    assert.ok(kept.startsWith('instructions '));
    assert.ok(kept.endsWith('what is the refund window?'));
    const rows = spanSearchRows(span({ input: long }), { textChars: 100 });
    assert.ok(rows.text.input.endsWith('refund window?'));
    const emoji = '😀'.repeat(60); // 120 UTF-16 units
    for (const n of [99, 100, 101]) {
      const cut = headAndTail(emoji, n);
      assert.ok(!/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(cut), `no lone surrogate at ${n}`);
    }
  });

  it("puts each retrieved document's id, title and beginning in the output", () => {
    const rows = spanSearchRows(
      span({
        kind: 'retriever',
        output: 'three documents',
        documents: [
          { id: 'policy-7', content: `Refunds within 30 days. ${'y'.repeat(600)} tail-word`, metadata: { title: 'Refund policy' } },
          { id: 'policy-9' },
        ],
      }),
      { docChars: 40 },
    );
    assert.equal(rows.text.output, `three documents\npolicy-7 Refund policy Refunds within 30 days. ${'y'.repeat(16)}\npolicy-9`);
    assert.ok(!rows.text.output.includes('tail-word'));
  });
});

describe('spanSearchRows: secrets stay out of the index (checklist S-11)', () => {
  const KEY = 'sk-proj-abcdefghijklmnop0123456789';
  it('masks secret-shaped text in every full-text column and secret-named or secret-shaped attributes', () => {
    const rows = spanSearchRows(
      span({
        input: `use key ${KEY} please`,
        output: 'Authorization: Bearer abcdefghijklmnopqrstuvwxyz0123',
        toolCalls: [{ name: 'call_api', arguments: `{"api_key":"${KEY}"}`, result: 'ok' }],
        attributes: {
          'http.request.header.authorization': 'Basic dXNlcjpwYXNzd29yZA==',
          'app.note': `token ${KEY}`,
          'gen_ai.usage.input_tokens': 12,
        },
      }),
    );
    const everything = JSON.stringify(rows);
    assert.ok(!everything.includes(KEY), everything);
    assert.ok(!everything.includes('abcdefghijklmnopqrstuvwxyz0123'), everything);
    assert.ok(!everything.includes('dXNlcjpwYXNzd29yZA'), everything);
    // What is not a secret stays searchable: the words around it, token counts as numbers.
    assert.match(rows.text.input, /use key .* please/);
    assert.deepEqual(
      rows.attrs.find((a) => a.key === 'gen_ai.usage.input_tokens'),
      { key: 'gen_ai.usage.input_tokens', value: '12', num: 12 },
    );
  });
});
