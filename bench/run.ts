// `npm run bench -- <name…>`: runs the named benches (all when none is named) and prints their
// tables. Each bench measures its own baseline in the same run and prints ratios against it.
//   tsx bench/run.ts lineage        tsx bench/run.ts import lineage

const BENCHES: Record<string, () => Promise<number>> = {
  lineage: async () => (await import('./lineage')).runLineageBench(),
  import: async () => (await import('./import')).runImportBench(),
  query: async () => (await import('./query')).runQueryBench(),
};

async function main(): Promise<number> {
  const names = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const unknown = names.filter((n) => !(n in BENCHES));
  if (unknown.length) {
    console.error(`Unknown bench: ${unknown.join(', ')}. Available: ${Object.keys(BENCHES).join(', ')}`);
    return 2;
  }
  let code = 0;
  for (const name of names.length ? names : Object.keys(BENCHES)) {
    console.log(`\n==== bench: ${name}`);
    code = Math.max(code, await BENCHES[name]());
  }
  return code;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
