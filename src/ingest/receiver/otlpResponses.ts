// OTLP/HTTP response bodies, encoded in the request's own format (JSON or protobuf) as the
// spec requires: ExportTraceServiceResponse (with partial success) and google.rpc.Status.

export type Wire = 'json' | 'protobuf';

function varint(n: number): number[] {
  const out: number[] = [];
  let v = Math.max(0, Math.floor(n));
  while (v > 0x7f) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return out;
}

function field(tag: number, wireType: number, payload: number[]): number[] {
  return [...varint((tag << 3) | wireType), ...payload];
}

function bytesField(tag: number, bytes: number[]): number[] {
  return field(tag, 2, [...varint(bytes.length), ...bytes]);
}

const utf8 = (s: string): number[] => [...Buffer.from(s, 'utf8')];

/** ExportTraceServiceResponse; partial_success only when something was rejected. */
export function exportResponse(wire: Wire, rejectedSpans: number, errorMessage: string): { body: Buffer; contentType: string } {
  if (wire === 'json') {
    const body = rejectedSpans > 0 || errorMessage ? { partialSuccess: { rejectedSpans: String(rejectedSpans), errorMessage } } : {};
    return { body: Buffer.from(JSON.stringify(body)), contentType: 'application/json' };
  }
  if (rejectedSpans === 0 && !errorMessage) return { body: Buffer.alloc(0), contentType: 'application/x-protobuf' };
  const partial = [
    ...(rejectedSpans > 0 ? field(1, 0, varint(rejectedSpans)) : []),
    ...(errorMessage ? bytesField(2, utf8(errorMessage)) : []),
  ];
  return { body: Buffer.from(bytesField(1, partial)), contentType: 'application/x-protobuf' };
}

/** google.rpc.Status for error responses (code 3 = INVALID_ARGUMENT, 8 = RESOURCE_EXHAUSTED…). */
export function statusResponse(wire: Wire, code: number, message: string): { body: Buffer; contentType: string } {
  if (wire === 'json') return { body: Buffer.from(JSON.stringify({ code, message })), contentType: 'application/json' };
  return { body: Buffer.from([...field(1, 0, varint(code)), ...bytesField(2, utf8(message))]), contentType: 'application/x-protobuf' };
}
