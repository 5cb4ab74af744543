// The notification that shows a big load's progress, with Cancel. It is shown at once for big
// files and only after a short delay for the others, so opening a small file does not flash a
// notification that is gone before it can be read.

import * as vscode from 'vscode';

/** Files at least this big show the notification at once. */
export const NOTIFY_AT_ONCE_BYTES = 64 * 2 ** 20;
/** Other loads show it when they are still running after this long. */
export const NOTIFY_DELAY_MS = 500;

export interface LoadProgress extends vscode.Disposable {
  /** Bytes read so far. */
  report(bytesDone: number, phase?: string): void;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 2 ** 20) return `${(n / 1024).toFixed(0)} KB`;
  if (n < 2 ** 30) return `${(n / 2 ** 20).toFixed(1)} MB`;
  return `${(n / 2 ** 30).toFixed(2)} GB`;
}

/** Progress for loading `label` (`bytesTotal` long); Cancel aborts `controller`. */
export function startLoadProgress(label: string, bytesTotal: number, controller: AbortController): LoadProgress {
  let done = false;
  let bytesDone = 0;
  let phase: string | undefined;
  let reporter: vscode.Progress<{ message?: string; increment?: number }> | undefined;
  let shownPercent = 0;
  let finish: (() => void) | undefined;
  const finished = new Promise<void>((resolve) => (finish = resolve));

  const update = (): void => {
    if (!reporter) return;
    const percent = bytesTotal > 0 ? Math.min(100, Math.floor((bytesDone / bytesTotal) * 100)) : 100;
    const message = phase ?? `${formatBytes(bytesDone)} of ${formatBytes(bytesTotal)} (${percent}%)`;
    reporter.report({ message, increment: Math.max(0, percent - shownPercent) });
    shownPercent = Math.max(shownPercent, percent);
  };

  const show = (): void => {
    if (done) return;
    void vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `TraceLens: loading ${label}`, cancellable: true },
      (progress, token) => {
        reporter = progress;
        const sub = token.onCancellationRequested(() => controller.abort());
        update();
        return finished.finally(() => sub.dispose());
      },
    );
  };
  const timer = setTimeout(show, bytesTotal >= NOTIFY_AT_ONCE_BYTES ? 0 : NOTIFY_DELAY_MS);

  return {
    report(bytes, p) {
      bytesDone = bytes;
      phase = p;
      update();
    },
    dispose() {
      done = true;
      clearTimeout(timer);
      finish?.();
    },
  };
}
