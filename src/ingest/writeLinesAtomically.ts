// Writes text lines to a file through a temporary file in the same folder renamed into place, so
// a reader (or a crash halfway) never sees a partial file and an existing file is replaced whole.

import { realpathSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import * as path from 'node:path';

export class MissingFolderError extends Error {}

export async function writeLinesAtomically(target: string, lines: Iterable<string>): Promise<void> {
  let dir = path.dirname(path.resolve(target));
  try {
    dir = realpathSync(dir);
  } catch {
    throw new MissingFolderError(`the output folder ${path.dirname(target)} does not exist`);
  }
  const tmp = path.join(dir, `.${path.basename(target)}.${process.pid}.${Date.now()}.tmp`);
  const fh = await open(tmp, 'w');
  try {
    let buf = '';
    for (const line of lines) {
      buf += line + '\n';
      if (buf.length > 1 << 20) {
        await fh.write(buf);
        buf = '';
      }
    }
    await fh.write(buf);
    await fh.close();
    await rename(tmp, target);
  } catch (err) {
    await fh.close().catch(() => undefined);
    await rm(tmp, { force: true });
    throw err;
  }
}
