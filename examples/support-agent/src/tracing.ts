// OpenTelemetry SDK setup for the demo: a real BasicTracerProvider with an in-memory exporter,
// serialised with the OTLP JSON serializer the OTLP/HTTP exporter uses, one request per line.
import * as path from 'node:path';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { Attributes, Span, Tracer } from '@opentelemetry/api';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import { AlwaysOnSampler, BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { SimClock } from './determinism';
import { SeededIdGenerator } from './determinism';

/** The demo workspace (examples/support-agent): every `code.file.path` is relative to it. */
export const WORKSPACE_ROOT = path.resolve(__dirname, '..');
export const SERVICE_VERSION = '1.4.0';

const THIS_FILE = path.resolve(__filename);
const FRAME = /^\s*at (?:async )?(?:(.+?) \()?(?:file:\/\/)?(.+?):(\d+):(\d+)\)?$/;

interface Frame {
  fn: string;
  file: string;
  line: number;
}

function workspaceFrames(stack: string | undefined): Frame[] {
  const frames: Frame[] = [];
  for (const text of (stack ?? '').split('\n').slice(1)) {
    const m = FRAME.exec(text);
    if (!m || !m[2].startsWith(WORKSPACE_ROOT + path.sep)) continue;
    frames.push({ fn: m[1] ?? '<anonymous>', file: m[2], line: Number(m[3]) });
  }
  return frames;
}

const relative = (file: string) => path.relative(WORKSPACE_ROOT, file).split(path.sep).join('/');

/** `code.*` of the line that opened the span: the first stack frame outside this module. */
export function callSite(): Attributes {
  const frame = workspaceFrames(new Error().stack).find((f) => f.file !== THIS_FILE);
  if (!frame) return {};
  return {
    'code.file.path': relative(frame.file),
    'code.line.number': frame.line,
    'code.function.name': frame.fn,
  };
}

/**
 * The stack kept on `exception` events: only frames inside the demo workspace, with relative
 * paths, so the trace is the same on every machine and Node's internal frames don't leak in.
 */
export function workspaceStack(err: Error): string {
  const frames = workspaceFrames(err.stack).map((f) => `    at ${f.fn} (${relative(f.file)}:${f.line})`);
  return [`${err.name}: ${err.message}`, ...frames].join('\n');
}

export class Tracing {
  readonly ids = new SeededIdGenerator();
  private readonly exporter = new InMemorySpanExporter();
  private readonly tracer: Tracer;

  constructor(readonly clock: SimClock) {
    const provider = new BasicTracerProvider({
      // Merged over the SDK default so telemetry.sdk.* is present, as in a real service.
      resource: defaultResource().merge(
        resourceFromAttributes({
          'service.name': 'support-agent',
          'service.version': SERVICE_VERSION,
          'deployment.environment.name': 'demo',
        }),
      ),
      idGenerator: this.ids,
      // Explicit sampler and limits: BasicTracerProvider would otherwise read OTEL_* variables,
      // and the output must not depend on the environment.
      sampler: new AlwaysOnSampler(),
      spanLimits: { attributeCountLimit: 512, attributeValueLengthLimit: 65536 },
      spanProcessors: [new SimpleSpanProcessor(this.exporter)],
    });
    this.tracer = provider.getTracer('support-agent', SERVICE_VERSION);
  }

  /** Start a span at the simulated time; its parent is passed explicitly (no context manager). */
  startSpan(name: string, parent: Span | undefined, attrs: Attributes, kind = SpanKind.INTERNAL) {
    const ctx = parent ? trace.setSpan(ROOT_CONTEXT, parent) : ROOT_CONTEXT;
    const attributes = { ...attrs, ...callSite() };
    return this.tracer.startSpan(name, { kind, attributes, startTime: this.clock.now() }, ctx);
  }

  /** Run `fn` inside a child span; a thrown error marks the span ERROR and is rethrown. */
  async inSpan<T>(
    name: string,
    parent: Span | undefined,
    attrs: Attributes,
    fn: (span: Span) => Promise<T>,
    kind = SpanKind.INTERNAL,
  ): Promise<T> {
    const span = this.startSpan(name, parent, attrs, kind);
    try {
      return await fn(span);
    } catch (err) {
      this.fail(span, err instanceof Error ? err : new Error(String(err)));
      throw err;
    } finally {
      span.end(this.clock.now());
    }
  }

  fail(span: Span, err: Error): void {
    span.recordException({ name: err.name, message: err.message, stack: workspaceStack(err) }, this.clock.now());
    span.setAttribute('error.type', err.name);
    span.setStatus({ code: SpanStatusCode.ERROR, message: err.message });
  }

  /** Everything finished since the last call, as one OTLP/HTTP JSON ExportTraceServiceRequest. */
  /** The finished spans as an OTLP/HTTP export request, in both of its encodings. */
  drain(): { json: string; protobuf: Uint8Array } {
    const spans = this.exporter.getFinishedSpans();
    this.exporter.reset();
    const json = JsonTraceSerializer.serializeRequest(spans);
    const protobuf = ProtobufTraceSerializer.serializeRequest(spans);
    if (!json || !protobuf) throw new Error('the OTLP serializer produced no output');
    return { json: new TextDecoder().decode(json), protobuf };
  }
}
