// A separate process writing marks to a shared feedback file, as a second VS Code window would
// (feedbackFile.test.ts starts several at once). Args: file, writer name, number of marks.

import { FeedbackFile } from '../../../src/vscode/feedbackFile';

async function main(): Promise<void> {
  const [file, who, n] = process.argv.slice(2);
  const f = new FeedbackFile(file, (m) => console.error(m), { waitMs: 60_000 });
  // Started together; the first write of each is as close in time as process start allows.
  for (let i = 0; i < Number(n); i++) {
    await f.put(
      { uri: 'file:///shared.jsonl', bytes: 10, mtimeMs: 1 },
      { traceId: 't', spanId: `${who}-${i}`, value: 'negative', author: who, atMs: i },
    );
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
