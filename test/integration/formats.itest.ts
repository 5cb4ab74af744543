// One file of each format opens in the TraceLens editor and fills the Runs tree: the demo's
// own OTLP JSON, OTLP protobuf, decision log and OpenLineage files, real exports from the shared
// corpus (when it is beside the repository, as on CI), and small MLflow / OpenAI Agents samples.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { api, closeAllEditors, waitFor, workspaceFile } from './support';

const MLFLOW = {
  info: { trace_id: 'tr-0123456789abcdef0123456789abcdef', state: 'OK', trace_metadata: { 'mlflow.trace_schema.version': '3' } },
  data: {
    spans: [
      {
        trace_id: 'ASNFZ4mrze8BI0VniavN7w==',
        span_id: 'ASNFZ4mrze8=',
        parent_span_id: null,
        name: 'ChatModel',
        start_time_unix_nano: 1700000000000000000,
        end_time_unix_nano: 1700000001000000000,
        status: { code: 'STATUS_CODE_OK', message: '' },
        events: [],
        attributes: {
          'mlflow.spanType': '"CHAT_MODEL"',
          'mlflow.chat.tokenUsage': '{"input_tokens": 12, "output_tokens": 3, "total_tokens": 15}',
        },
      },
    ],
  },
};

const AGENTS = [
  { object: 'trace', id: 'trace_0123456789abcdef0123456789abcdef', workflow_name: 'Support' },
  {
    object: 'trace.span',
    id: 'span_0123456789abcdef01234567',
    trace_id: 'trace_0123456789abcdef0123456789abcdef',
    parent_id: null,
    started_at: '2026-11-03T10:00:00.000Z',
    ended_at: '2026-11-03T10:00:01.000Z',
    span_data: { type: 'generation', model: 'gpt-4o', usage: { input_tokens: 5, output_tokens: 2 } },
    error: null,
  },
];

interface Case {
  label: string;
  file: () => string | undefined;
  format: string;
  minSpans: number;
}

describe('one file of each format in VS Code', () => {
  const corpus = path.resolve(vscode.extensions.getExtension('tracelens.tracelens')!.extensionPath, '..', 'shared', 'corpus');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tracelens-formats-'));
  const fromCorpus = (rel: string) => () => (fs.existsSync(path.join(corpus, rel)) ? path.join(corpus, rel) : undefined);
  const written = (name: string, content: string) => () => {
    const f = path.join(tmp, name);
    fs.writeFileSync(f, content);
    return f;
  };
  const cases: Case[] = [
    {
      label: 'OTLP JSON Lines (demo)',
      file: () => workspaceFile('traces/support-agent.otlp.jsonl').fsPath,
      format: 'otlp-json',
      minSpans: 54,
    },
    {
      label: 'OTLP protobuf (demo)',
      file: () => workspaceFile('traces/support-agent.otlp.pb').fsPath,
      format: 'otlp-protobuf',
      minSpans: 54,
    },
    {
      label: 'TraceLens decision log (demo)',
      file: () => workspaceFile('traces/support-agent.decisions.jsonl').fsPath,
      format: 'tracelens-decisions',
      minSpans: 54,
    },
    {
      label: 'OpenLineage (demo)',
      file: () => workspaceFile('traces/policy-ingest.openlineage.jsonl').fsPath,
      format: 'openlineage',
      minSpans: 0,
    },
    { label: 'MLflow v3', file: written('trace.mlflow.json', JSON.stringify(MLFLOW)), format: 'mlflow', minSpans: 1 },
    {
      label: 'OpenAI Agents SDK',
      file: written('agents.jsonl', AGENTS.map((r) => JSON.stringify(r)).join('\n') + '\n'),
      format: 'openai-agents',
      minSpans: 1,
    },
    { label: 'OpenInference over OTLP', file: fromCorpus('openinference/in.json'), format: 'otlp-json', minSpans: 1 },
    { label: 'Phoenix span JSON', file: fromCorpus('openinference/pxi_turn_trace.json'), format: 'phoenix-json', minSpans: 18 },
    { label: 'OpenLLMetry', file: fromCorpus('openllmetry/in.json'), format: 'otlp-json', minSpans: 2 },
    { label: 'LangSmith batch', file: fromCorpus('langsmith/langsmith_py_wrap_openai_.json'), format: 'langsmith', minSpans: 1 },
    { label: 'Langfuse export', file: fromCorpus('langfuse/autogen-2025-06-06.trace.json'), format: 'langfuse', minSpans: 2 },
    { label: 'Jaeger JSON', file: fromCorpus('jaeger-json/genaiTestTrace.json'), format: 'jaeger', minSpans: 57 },
    { label: 'Zipkin v2', file: fromCorpus('zipkin-v2/yelp.json'), format: 'zipkin', minSpans: 16 },
  ];

  after(async () => {
    await closeAllEditors();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  for (const c of cases) {
    it(`${c.label}`, async function () {
      const file = c.file();
      if (!file) return this.skip();
      const t = await api();
      const uri = vscode.Uri.file(file);
      await vscode.commands.executeCommand('vscode.openWith', uri, 'tracelens.traceEditor.anyJson');
      const node = await waitFor(`${path.basename(file)} in the Runs tree`, async () =>
        (await t.runsTree.getChildren()).find((n) => n.type === 'source' && n.source.uri.toString() === uri.toString()),
      );
      assert.ok(node.type === 'source');
      assert.equal(node.source.format, c.format);
      assert.ok(node.source.summary.spans >= c.minSpans, `${node.source.summary.spans} spans`);
      if (c.minSpans > 0) assert.ok((await t.runsTree.getChildren(node)).length > 0, 'runs listed');
      assert.ok(!node.source.diagnostics.some((d) => d.severity === 'error'), JSON.stringify(node.source.diagnostics.slice(0, 3)));
      await closeAllEditors();
      await waitFor('the source to unload', async () =>
        (await t.runsTree.getChildren()).some((n) => n.type === 'source' && n.source.uri.toString() === uri.toString()) ? undefined : true,
      );
    });
  }
});
