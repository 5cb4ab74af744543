import * as assert from 'node:assert/strict';
import { MASK, isSecretKey, maskSecretText, maskSecretValue } from '../../src/core/trace/maskSecrets';

describe('secret masking', () => {
  it('masks known key shapes in text and keeps the rest', () => {
    const text = 'key sk-proj-abcdefghijklmnopqrstuv and Authorization: Bearer abc.def.ghijklmnopqr, user 42';
    const out = maskSecretText(text);
    assert.ok(!out.includes('abcdefghijklmnopqrstuv'));
    assert.ok(out.includes(`Bearer ${MASK}`));
    assert.ok(out.includes('user 42'));
  });

  it('masks secret-named fields but not token counts', () => {
    assert.equal(isSecretKey('http.request.header.authorization'), true);
    assert.equal(isSecretKey('openai.api_key'), true);
    assert.equal(isSecretKey('password'), true);
    assert.equal(isSecretKey('gen_ai.usage.input_tokens'), false);
    assert.equal(isSecretKey('llm.token_count.prompt'), false);
    const v = maskSecretValue({
      api_key: 'abc',
      nested: { password: 'p', note: 'ghp_abcdefghijklmnopqrstuvwxyz0123' },
      input_tokens: 5,
    }) as Record<string, unknown>;
    assert.equal(v.api_key, MASK);
    assert.deepEqual({ ...(v.nested as object) }, { password: MASK, note: MASK });
    assert.equal(v.input_tokens, 5);
  });

  it('masks one sample of every shape (each passes the quick check first)', () => {
    const samples = [
      'sk-ant-abcdefghijklmnop1234',
      'ghs_abcdefghijklmnopqrstuvwxyz',
      'github_pat_abcdefghijklmnopqrstuvwxyz',
      'xoxb-1234567890-abc',
      'AKIAABCDEFGHIJKLMNOP',
      `AIza${'a'.repeat(35)}`,
      'eyJhbGciOiJIUzI1.eyJzdWIiOiIx.abcdefghijkl',
    ];
    for (const secret of samples) assert.equal(maskSecretText(`before ${secret} after`), `before ${MASK} after`, secret);
    assert.equal(maskSecretText('Basic dXNlcjpwYXNzd29yZA=='), `Basic ${MASK}`);
    const clean = 'no secret here: ask- gh_ xox AKI AIz Bear eyj';
    assert.equal(maskSecretText(clean), clean);
  });
});
