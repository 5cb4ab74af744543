// The `tracelens` command line, on the same core and ingest code as the extension.

import { formatInspect, inspectFile } from './inspect';

const USAGE = `Usage: tracelens <command> [options]

Commands:
  inspect <file…> [--json]   Format, runs, spans, errors, LLM calls, tokens and diagnostics per file.

Options:
  --json      One JSON object per file per line.
  -h, --help  Show this help.`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '-h' || command === '--help') {
    console.log(USAGE);
    return command ? 0 : 2;
  }
  if (command !== 'inspect') {
    console.error(`tracelens: unknown command "${command}"\n\n${USAGE}`);
    return 2;
  }
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

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  },
);
