// `tracelens convert <file> --to otlp-json [--out <file>]`: any format TraceLens reads, written as
// OTLP JSON Lines (one ExportTraceServiceRequest per line) that reads back into the same model.
// Writes to stdout, or to --out through a temporary file renamed into place; never to the input.

import { once } from 'node:events';
import { stat } from 'node:fs/promises';
import * as path from 'node:path';
import type { Writable } from 'node:stream';
import type { Diagnostic } from '../core/model/diagnostic';
import { toOtlpJsonLines } from '../core/formats/toOtlpJson';
import { importFile } from '../ingest/importFile';
import { MissingFolderError, writeLinesAtomically } from '../ingest/writeLinesAtomically';

export const CONVERT_TARGETS = ['otlp-json'] as const;
export type ConvertTarget = (typeof CONVERT_TARGETS)[number];

export interface ConvertOptions {
  to: ConvertTarget;
  /** Output file; stdout when absent. */
  out?: string;
}

export interface ConvertOutcome {
  spans: number;
  lines: number;
  /** Diagnostics from reading the input, then from writing the output. */
  diagnostics: Diagnostic[];
}

export class ConvertError extends Error {}

export async function convertFile(input: string, opts: ConvertOptions, stdout: Writable = process.stdout): Promise<ConvertOutcome> {
  if (opts.out !== undefined && (await sameFile(input, opts.out))) {
    throw new ConvertError(`refusing to write the output over the input file ${input}`);
  }
  const r = await importFile(input);
  const diagnostics = [...r.diagnostics];
  if (r.lineageRuns.length > 0) {
    diagnostics.push({
      severity: 'info',
      code: 'convert.lineageRuns',
      message: `${r.lineageRuns.length} OpenLineage run(s) are lineage, not spans; OTLP has no place for them and they are not written`,
    });
  }
  const lines = toOtlpJsonLines(r.spans, diagnostics);
  if (opts.out === undefined) await writeLines(stdout, lines);
  else await writeFileAtomically(opts.out, lines);
  return { spans: r.spans.length, lines: lines.length, diagnostics };
}

async function sameFile(a: string, b: string): Promise<boolean> {
  if (path.resolve(a) === path.resolve(b)) return true;
  try {
    const [sa, sb] = await Promise.all([stat(a), stat(b)]);
    return sa.dev === sb.dev && sa.ino === sb.ino;
  } catch {
    return false; // the output does not exist yet
  }
}

async function writeLines(out: Writable, lines: string[]): Promise<void> {
  // A reader that goes away (`| head`) is not an error: stop writing. The listener stays, as the
  // pipe can break after the last write, while the stream flushes.
  let closed = false;
  out.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') closed = true;
  });
  try {
    for (const line of lines) {
      if (closed) return;
      if (!out.write(line + '\n')) await once(out, 'drain');
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPIPE') throw err;
  }
}

async function writeFileAtomically(target: string, lines: string[]): Promise<void> {
  try {
    await writeLinesAtomically(target, lines);
  } catch (err) {
    if (err instanceof MissingFolderError) throw new ConvertError(err.message);
    throw err;
  }
}
