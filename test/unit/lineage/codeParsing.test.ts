// Source-text tokenizing (string literals in TS/JS/Python) and stack-trace parsing (Python, Node,
// Java) for "Go to Prompt Template" and "Go to Code".

import * as assert from 'node:assert/strict';
import { extractStringLiterals, languageOfPath } from '../../../src/core/templates/stringLiterals';
import { parseStackTrace } from '../../../src/core/code/stackTrace';
import { codeLocationsForSpan } from '../../../src/core/code/spanCode';
import type { Span } from '../../../src/core/model/span';

const values = (src: string, lang: 'typescript' | 'python') => extractStringLiterals(src, lang).map((l) => l.value);

describe('string literals', () => {
  it('TS/JS: quotes, escapes, template literals with ${…}, comments and regexes', () => {
    const src = [
      "const a = 'it\\'s'; // 'not a literal'",
      '/* "nor this" */ const b = "tab\\there\\u0041\\x42";',
      'const r = /["\']+/g, c = x / 2 / y; const d = `multi',
      'line ${name + `inner ${deep}`} end`;',
      'const e = \'joined \' + "with " + `plus`;',
      "const f = 'not ' + variable + ' joined';",
    ].join('\n');
    assert.deepEqual(values(src, 'typescript'), [
      "it's",
      'tab\thereAB',
      'multi\nline ${name + `inner ${deep}`} end',
      'joined with plus',
      'not ',
      ' joined',
    ]);
    const lits = extractStringLiterals(src, 'typescript');
    assert.deepEqual(
      lits.map((l) => [l.line, l.column, l.endLine, l.pieces, l.interpolated]),
      [
        [1, 11, 1, 1, false],
        [2, 28, 2, 1, false],
        [3, 46, 4, 1, true],
        [5, 11, 5, 3, false],
        [6, 11, 6, 1, false],
        [6, 31, 6, 1, false],
      ],
    );
  });

  it('Python: prefixes, raw and triple-quoted strings, adjacent literals joined, comments', () => {
    const src = [
      "x = 'a\\nb'  # 'comment'",
      'y = r"C:\\new" + b\'bytes\' ',
      'z = ("one "',
      '     # between',
      '     "two")',
      'w = f"""Hello {name}',
      'again"""',
      "bad = 'unterminated",
      "ok = u'\\u00e9t\\xe9'",
    ].join('\n');
    assert.deepEqual(values(src, 'python'), ['a\nb', 'C:\\new', 'bytes', 'one two', 'Hello {name}\nagain', 'été']);
    const f = extractStringLiterals(src, 'python').find((l) => l.value.startsWith('Hello'))!;
    assert.equal(f.interpolated, true);
    assert.equal(f.line, 6);
  });

  it('knows languages by extension', () => {
    assert.equal(languageOfPath('a/b.tsx'), 'typescript');
    assert.equal(languageOfPath('a/b.mjs'), 'javascript');
    assert.equal(languageOfPath('a/b.py'), 'python');
    assert.equal(languageOfPath('a/b.rb'), undefined);
  });

  it('never hangs or throws on garbage', () => {
    const junk = '`${'.repeat(500) + '\'"/*' + '\\'.repeat(99) + '"""' + "r'";
    for (const lang of ['typescript', 'python'] as const) assert.ok(Array.isArray(extractStringLiterals(junk, lang)));
  });
});

const PY = `Traceback (most recent call last):
  File "/srv/app/.venv/lib/python3.12/site-packages/httpx/_client.py", line 1015, in send
    raise exc
httpx.ConnectError: refused

The above exception was the direct cause of the following exception:

Traceback (most recent call last):
  File "/srv/app/agent/main.py", line 42, in run
    answer = tools.lookup(order_id)
  File "/srv/app/agent/tools.py", line 17, in lookup
    return client.get(url)
  File "<frozen importlib._bootstrap>", line 1, in <module>
RuntimeError: orders API unavailable`;

const NODE = `Error: orders API unavailable (503)
    at ToolBox.lookupOrder (src/tools.ts:88:13)
    at async ToolBox.execute (/work/app/src/tools.ts:123:20)
    at new Agent (file:///work/app/src/agent.mjs:5:1)
    at Object.<anonymous> (/work/app/node_modules/undici/index.js:10:3)
    at node:internal/process/task_queues:95:5
    at /work/app/src/main.ts:3:1`;

const JAVA = `com.acme.agent.ToolException: lookup failed
\tat com.acme.agent.ToolBox.lookupOrder(ToolBox.java:88)
\tat com.acme.agent.Agent.respond(Agent.kt:42)
\tat java.base/java.lang.Thread.run(Thread.java:833)
Caused by: java.net.ConnectException: refused
\tat java.base/sun.nio.ch.Net.connect0(Native Method)
\tat app//com.acme.http.Client.get(Client.java:17)
\t... 3 more`;

describe('stack traces', () => {
  it('Python: root cause first, innermost frame first, library frames marked', () => {
    const f = parseStackTrace(PY);
    assert.deepEqual(
      f.map((x) => [x.file, x.line, x.function, !!x.library]),
      [
        ['/srv/app/.venv/lib/python3.12/site-packages/httpx/_client.py', 1015, 'send', true],
        ['<frozen importlib._bootstrap>', 1, '<module>', true],
        ['/srv/app/agent/tools.py', 17, 'lookup', false],
        ['/srv/app/agent/main.py', 42, 'run', false],
      ],
    );
    assert.ok(f.every((x) => x.language === 'python'));
  });

  it('Node: named, async, constructor, anonymous and file:// frames; internals marked', () => {
    const f = parseStackTrace(NODE);
    assert.deepEqual(
      f.map((x) => [x.file, x.line, x.column, x.function, !!x.library, x.pathKind]),
      [
        ['src/tools.ts', 88, 13, 'ToolBox.lookupOrder', false, 'relative'],
        ['/work/app/src/tools.ts', 123, 20, 'ToolBox.execute', false, 'absolute'],
        ['/work/app/src/agent.mjs', 5, 1, 'Agent', false, 'absolute'],
        ['/work/app/node_modules/undici/index.js', 10, 3, '<module>', true, 'absolute'],
        ['node:internal/process/task_queues', 95, 5, undefined, true, 'relative'],
        ['/work/app/src/main.ts', 3, 1, undefined, false, 'absolute'],
      ],
    );
  });

  it('Java: root cause block first, package paths, native and JDK frames marked', () => {
    const f = parseStackTrace(JAVA);
    assert.deepEqual(
      f.map((x) => [x.file, x.line, x.namespace, x.function, !!x.library]),
      [
        [undefined, undefined, 'sun.nio.ch.Net', 'connect0', true],
        ['com/acme/http/Client.java', 17, 'com.acme.http.Client', 'get', false],
        ['com/acme/agent/ToolBox.java', 88, 'com.acme.agent.ToolBox', 'lookupOrder', false],
        ['com/acme/agent/Agent.kt', 42, 'com.acme.agent.Agent', 'respond', false],
        ['java/lang/Thread.java', 833, 'java.lang.Thread', 'run', true],
      ],
    );
    assert.ok(f.filter((x) => x.file).every((x) => x.pathKind === 'package'));
  });

  it('returns nothing for text without frames', () => {
    assert.deepEqual(parseStackTrace('just an error message'), []);
    assert.deepEqual(parseStackTrace(''), []);
  });

  it('a span lists code.* first, then application frames, then library frames, with vcs info', () => {
    const span: Span = {
      traceId: 't',
      spanId: 's',
      name: 'execute_tool lookup_order',
      kind: 'tool',
      startNs: 0n,
      endNs: 1n,
      status: 'error',
      code: { file: 'src/tools.ts', line: 120, function: 'ToolBox.execute' },
      exception: { type: 'Error', stacktrace: NODE },
      attributes: { 'vcs.ref.head.revision': 'abc123' },
      events: [{ name: 'exception', attributes: { 'exception.stacktrace': PY } }],
    };
    const locs = codeLocationsForSpan(span);
    assert.deepEqual(locs[0], { file: 'src/tools.ts', line: 120, function: 'ToolBox.execute', revision: 'abc123', source: 'attributes' });
    assert.equal(locs[1].file, 'src/tools.ts');
    assert.equal(locs[1].line, 88);
    const firstLibrary = locs.findIndex((l) => l.library);
    assert.ok(firstLibrary > 0 && locs.slice(firstLibrary).every((l) => l.library));
    assert.ok(locs.some((l) => l.file === '/srv/app/agent/tools.py'));
  });
});
