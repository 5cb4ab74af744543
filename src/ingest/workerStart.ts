// Starts an index worker (indexWorker.ts): the bundled script beside this file, or the TypeScript
// source through tsx when running unbundled (tests, tsx).

import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { IndexWorkerData } from './indexWorker';

/**
 * The worker's young generation (MB). Parsing makes much short-lived garbage. Measured on the
 * 128 MB import bench (one worker): 8 MB 2.9-3.0 s, 16 MB 2.5-2.7 s at the same peak RSS, 32 MB
 * 2.4-2.5 s at +15-20 MB; V8's default costs ~30 MB more RSS per worker.
 */
const WORKER_YOUNG_GENERATION_MB = 16;
/**
 * With two or more workers the store thread, not the parsing, bounds the load, and each worker's
 * young generation is RSS the process holds twice: 8 MB each took the 1 GB JSON Lines import with
 * two workers from 505-508 to 462-465 MB peak RSS, in the same time or less (7.8-8.0 s against
 * 8.3-8.7 s, alternating runs).
 */
const SHARED_YOUNG_GENERATION_MB = 8;

/** Start an index worker (`workers`: how many share the file): the bundled script beside this file, or the TypeScript source via tsx. */
export function startWorker(script: string | undefined, data: IndexWorkerData, workers = 1): Worker {
  const resourceLimits = { maxYoungGenerationSizeMb: workers > 1 ? SHARED_YOUNG_GENERATION_MB : WORKER_YOUNG_GENERATION_MB };
  if (script) return new Worker(script, { workerData: data, resourceLimits });
  const js = path.join(__dirname, 'indexWorker.js');
  if (fs.existsSync(js)) return new Worker(js, { workerData: data, resourceLimits });
  const ts = path.join(__dirname, 'indexWorker.ts');
  // Only reached unbundled (tests, tsx): a name in a variable keeps esbuild from resolving it.
  const loader = 'tsx/cjs';
  const tsx = require.resolve(loader);
  return new Worker(`require(${JSON.stringify(tsx)}); require(${JSON.stringify(ts)});`, { eval: true, workerData: data });
}
