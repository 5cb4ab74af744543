// The nightly `policy_ingest` job: copies policy documents from the source bucket into the
// retriever's index and reports the run as OpenLineage RunEvents (START + COMPLETE). Every indexed
// document records its source dataset and URI, so a retrieved document in a trace can be joined
// to this job run and the dataset it came from.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { SimClock } from './determinism';
import { seededUuidV7 } from './determinism';
import { parseFrontMatter } from './templates';
import { SERVICE_VERSION, WORKSPACE_ROOT } from './tracing';

export const SOURCE_DATASET = { namespace: 's3://acme-policies', name: 'policy-docs' };
export const INDEX_DATASET = { namespace: 'vectordb://local', name: 'support-agent.policy_index' };
const JOB = { namespace: 'support-agent', name: 'policy_ingest' };
const PRODUCER = `https://example.invalid/support-agent/policy-ingest/${SERVICE_VERSION}`;
const SPEC = 'https://openlineage.io/spec';

export interface PolicyDoc {
  id: string;
  title: string;
  effective: string;
  /** Workspace-relative path of the source file. */
  path: string;
  uri: string;
  content: string;
  metadata: Record<string, string>;
}

const facet = (schema: string, body: Record<string, unknown>) => ({
  _producer: PRODUCER,
  _schemaURL: schema,
  ...body,
});

function loadDocs(runId: string): PolicyDoc[] {
  const dir = path.join(WORKSPACE_ROOT, 'policies');
  // Sorted so the index (and retrieval tie-breaks) never depend on directory order.
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.md'))
    .sort();
  return files.map((file) => {
    const { meta, body } = parseFrontMatter(fs.readFileSync(path.join(dir, file), 'utf8'));
    // The markdown heading repeats the title; the index keeps the policy text only.
    const content = body
      .split('\n')
      .filter((l) => l.trim() && !l.startsWith('#'))
      .join('\n');
    const uri = `${SOURCE_DATASET.namespace}/${SOURCE_DATASET.name}/${file}`;
    const doc = {
      id: meta.id,
      title: meta.title,
      effective: meta.effective,
      path: `policies/${file}`,
    };
    const metadata = {
      uri,
      'source.dataset': `${SOURCE_DATASET.namespace}/${SOURCE_DATASET.name}`,
      'index.dataset': `${INDEX_DATASET.namespace}/${INDEX_DATASET.name}`,
      'ingest.run_id': runId,
      path: doc.path,
      title: doc.title,
      effective: doc.effective,
    };
    return { ...doc, uri, content, metadata };
  });
}

export function ingestPolicies(clock: SimClock, startIso: string) {
  clock.set(startIso);
  const runId = seededUuidV7('policy_ingest:2026-11-03', startIso);
  const docs = loadDocs(runId);
  const job = {
    ...JOB,
    facets: {
      jobType: facet(`${SPEC}/facets/2-0-4/JobTypeJobFacet.json#/$defs/JobTypeJobFacet`, {
        processingType: 'BATCH',
        integration: 'CUSTOM',
        jobType: 'JOB',
      }),
      documentation: facet(`${SPEC}/facets/1-0-0/DocumentationJobFacet.json#/$defs/DocumentationJobFacet`, {
        description: 'Copies refund and shipping policies into the support agent index.',
      }),
      sourceCodeLocation: facet(`${SPEC}/facets/1-0-0/SourceCodeLocationJobFacet.json#/$defs/SourceCodeLocationJobFacet`, {
        type: 'git',
        url: 'https://example.invalid/tracelens.git',
        path: 'examples/support-agent/src/ingest.ts',
      }),
    },
  };
  const input = {
    ...SOURCE_DATASET,
    facets: {
      dataSource: facet(`${SPEC}/facets/1-0-0/DatasourceDatasetFacet.json#/$defs/DatasourceDatasetFacet`, {
        name: 'acme-policies',
        uri: SOURCE_DATASET.namespace,
      }),
      // Custom facet: which files the run read, with their effective dates. It is what shows
      // that a superseded policy was still in the bucket when the index was built.
      supportAgent_documents: facet('https://example.invalid/support-agent/DocumentsDatasetFacet.json', {
        documents: docs.map((d) => ({ id: d.id, uri: d.uri, effective: d.effective })),
      }),
    },
  };
  const output = {
    ...INDEX_DATASET,
    facets: {
      schema: facet(`${SPEC}/facets/1-0-0/SchemaDatasetFacet.json#/$defs/SchemaDatasetFacet`, {
        fields: [
          { name: 'id', type: 'STRING' },
          { name: 'content', type: 'STRING' },
          { name: 'metadata', type: 'JSON' },
        ],
      }),
    },
  };
  const base = { producer: PRODUCER, schemaURL: `${SPEC}/2-0-2/OpenLineage.json#/$defs/RunEvent` };
  const start = {
    eventTime: clock.iso(),
    ...base,
    eventType: 'START',
    run: {
      runId,
      facets: {
        nominalTime: facet(`${SPEC}/facets/1-0-1/NominalTimeRunFacet.json#/$defs/NominalTimeRunFacet`, {
          nominalStartTime: startIso,
        }),
      },
    },
    job,
    inputs: [input],
    outputs: [output],
  };
  clock.advanceMicros(350_000 * docs.length); // simulated fetch + index time per document
  const bytes = docs.reduce((n, d) => n + Buffer.byteLength(d.content), 0);
  const complete = {
    eventTime: clock.iso(),
    ...base,
    eventType: 'COMPLETE',
    run: { runId, facets: {} },
    job,
    inputs: [input],
    outputs: [
      {
        ...output,
        outputFacets: {
          outputStatistics: facet(
            `${SPEC}/facets/1-0-2/OutputStatisticsOutputDatasetFacet.json#/$defs/OutputStatisticsOutputDatasetFacet`,
            { rowCount: docs.length, size: bytes },
          ),
        },
      },
    ],
  };
  return { docs, events: [start, complete] };
}
