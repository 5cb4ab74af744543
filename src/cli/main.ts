// The `tracelens` command line, on the same core and ingest code as the extension.

import { CONVERT_TARGETS, ConvertError, convertFile, type ConvertTarget } from './convert';
import { formatDiagnostic, formatInspect, inspectFile } from './inspect';
import { runLineage } from './lineage';
import { runSearch } from './search';

const USAGE = `Usage: tracelens <command> [options]

Commands:
  inspect <file…> [--json]   Format, runs, spans, errors, LLM calls, tokens and diagnostics per file.
  convert <file> --to otlp-json [--out <file>]
                             Write the file's spans, whatever its format, as OTLP JSON Lines (one
                             export request per line) that read back into the same model.
                             To stdout unless --out is given; never over the input file.
  lineage <file…> --span <id> [--json]
                             Upstream lineage of a span's (or a trace's) output, all files joined
                             (traces and OpenLineage events); "tracelens lineage --help" for more.
  search <file…> "<query>" [--runs] [--json] [--limit <n>]
                             Spans (or runs) meeting a query (docs/search.md), newest first;
                             "tracelens search --help" for more.

Options:
  --json        (inspect) One JSON object per file per line.
  --to <fmt>    (convert) Output format: ${CONVERT_TARGETS.join(', ')}.
  --out <file>  (convert) Write here instead of stdout (replaced atomically).
  -h, --help    Show this help.`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '-h' || command === '--help') {
    console.log(USAGE);
    return command ? 0 : 2;
  }
  if (command === 'inspect') return inspect(rest);
  if (command === 'convert') return convert(rest);
  if (command === 'lineage') return runLineage(rest);
  if (command === 'search') return runSearch(rest);
  console.error(`tracelens: unknown command "${command}"\n\n${USAGE}`);
  return 2;
}

async function inspect(rest: string[]): Promise<number> {
  const json = rest.includes('--json');
  const files = rest.filter((a) => !a.startsWith('--'));
  if (files.length === 0) {
    console.error('tracelens inspect: no files given');
    return 2;
  }
  let failed = 0;
  for (const file of files) {
    try {
      const r = await inspectFile(file);
      console.log(json ? JSON.stringify(r) : formatInspect(r));
      if (r.spans === 0 && r.diagnostics.some((d) => d.severity === 'error')) failed++;
    } catch (err) {
      failed++;
      const message = err instanceof Error ? err.message : String(err);
      if (json) console.log(JSON.stringify({ path: file, error: message }));
      else console.error(`${file}: ${message}`);
    }
  }
  return failed > 0 ? 1 : 0;
}

/** Options with a value (`--to x` or `--to=x`) and positional arguments. */
function parseArgs(args: string[], valued: string[]): { values: Map<string, string>; positional: string[]; bad?: string } {
  const values = new Map<string, string>();
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (!a.startsWith('--')) {
      positional.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = eq < 0 ? a : a.slice(0, eq);
    if (!valued.includes(name)) return { values, positional, bad: `unknown option ${name}` };
    const value = eq < 0 ? args[++i] : a.slice(eq + 1);
    if (value === undefined || value === '') return { values, positional, bad: `${name} needs a value` };
    values.set(name, value);
  }
  return { values, positional };
}

async function convert(rest: string[]): Promise<number> {
  const { values, positional, bad } = parseArgs(rest, ['--to', '--out']);
  if (bad || positional.length !== 1) {
    console.error(`tracelens convert: ${bad ?? (positional.length ? 'one input file at a time' : 'no input file given')}\n\n${USAGE}`);
    return 2;
  }
  const to = values.get('--to');
  if (!to || !(CONVERT_TARGETS as readonly string[]).includes(to)) {
    console.error(`tracelens convert: --to must be one of ${CONVERT_TARGETS.join(', ')}`);
    return 2;
  }
  const [file] = positional;
  try {
    const r = await convertFile(file, { to: to as ConvertTarget, out: values.get('--out') });
    // Problems go to stderr so stdout stays pure OTLP JSON Lines.
    for (const d of r.diagnostics.slice(0, 50)) console.error(formatDiagnostic({ path: file, ...d }));
    if (r.diagnostics.length > 50) console.error(`… ${r.diagnostics.length - 50} more diagnostics`);
    console.error(
      `${file}: ${r.spans} span(s) written as ${r.lines} OTLP JSON line(s)${values.has('--out') ? ` to ${values.get('--out')}` : ''}`,
    );
    return r.spans === 0 && r.diagnostics.some((d) => d.severity === 'error') ? 1 : 0;
  } catch (err) {
    console.error(`tracelens convert: ${err instanceof ConvertError || err instanceof Error ? err.message : String(err)}`);
    return err instanceof ConvertError ? 2 : 1;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  },
);
