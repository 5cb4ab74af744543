// Whether the team store is reachable (checklist S-06). A statement that fails because the
// connection broke (server restarted or stopped, network gone, idle connection killed) marks the
// store disconnected; a probe (`SELECT 1`) then retries with exponential backoff, capped, until
// the server answers again, and any statement that succeeds in between marks it connected too.
// The pool reconnects by itself (it drops broken clients), so nothing else needs redoing.
// Disposing (Disconnect, close, deactivate) cancels the pending retry. Nothing here rejects:
// probe failures only reschedule.

import type { StoreError } from './pgConnection';

export type HealthState =
  | { kind: 'connected' }
  /** Unreachable; the next probe runs at `retryAt` (epoch ms). `attempt` counts failed probes. */
  | { kind: 'disconnected'; error: string; code?: string; since: number; attempt: number; retryAt: number; delayMs: number }
  /** A probe is running. */
  | { kind: 'reconnecting'; error: string; code?: string; since: number; attempt: number };

export interface BackoffOptions {
  /** Delay before the first probe (default 1 s). */
  initialMs?: number;
  /** Ceiling of the doubling delay (default 30 s). */
  maxMs?: number;
}

export const DEFAULT_BACKOFF: Required<BackoffOptions> = { initialMs: 1_000, maxMs: 30_000 };

/** Delay before probe number `attempt` (0-based): initial · 2^attempt, at most max. */
export function backoffDelay(attempt: number, o: Required<BackoffOptions> = DEFAULT_BACKOFF): number {
  return Math.min(o.maxMs, o.initialMs * 2 ** Math.min(attempt, 30));
}

// Node socket errors, and SQLSTATE 57P01-03 (admin/crash shutdown, cannot connect now) and class
// 08 (connection exception). A statement timeout (57014) or a bad query is not a fault of the link.
const FAULT_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
  '57P01',
  '57P02',
  '57P03',
]);
const FAULT_MESSAGES =
  /Connection terminated|Connection ended|connection error and is not queryable|Client was closed and is not queryable|Query read timeout|server closed the connection/i;

/** Whether an error means the link to the server is broken (as opposed to a failed statement). */
export function isConnectionFault(err: { code?: string; message?: string } | undefined): boolean {
  if (!err) return false;
  if (err.code && (FAULT_CODES.has(err.code) || /^08/.test(err.code))) return true;
  return typeof err.message === 'string' && FAULT_MESSAGES.test(err.message);
}

export class PgHealth {
  private state: HealthState = { kind: 'connected' };
  private timer?: ReturnType<typeof setTimeout>;
  private readonly listeners = new Set<(s: HealthState) => void>();
  private disposed = false;
  private probing?: Promise<HealthState>;
  private readonly backoff: Required<BackoffOptions>;

  constructor(
    /** Resolves when the server answers; rejects (sanitized) when it does not. */
    private readonly probe: () => Promise<void>,
    backoff: BackoffOptions = {},
  ) {
    this.backoff = { ...DEFAULT_BACKOFF, ...backoff };
  }

  get current(): HealthState {
    return this.state;
  }

  get isConnected(): boolean {
    return this.state.kind === 'connected';
  }

  /** Whether a retry is scheduled (false once connected or disposed). */
  get retryPending(): boolean {
    return this.timer !== undefined;
  }

  onDidChange(listener: (s: HealthState) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** A statement failed: when the link broke, go disconnected and start retrying. */
  failed(err: StoreError | { code?: string; message?: string }): void {
    if (isConnectionFault(err)) this.lost(err);
  }

  /** The link broke (the caller knows): go disconnected and start retrying. */
  lost(err: { code?: string; message?: string }): void {
    if (this.disposed) return;
    const error = err.message ?? 'connection lost';
    if (this.state.kind === 'connected') {
      this.schedule(0, error, err.code, Date.now());
    } else if (this.state.kind === 'disconnected') {
      // Keep the backoff going; only the reason shown is refreshed.
      this.set({ ...this.state, error, code: err.code });
    }
  }

  /** A statement succeeded: the server is back (whatever the backoff said). */
  succeeded(): void {
    if (this.disposed || this.state.kind === 'connected') return;
    this.clearTimer();
    this.set({ kind: 'connected' });
  }

  /** Probe now (the Reconnect action), instead of waiting for the backoff. */
  retryNow(): Promise<HealthState> {
    if (this.disposed || this.state.kind === 'connected') return Promise.resolve(this.state);
    this.clearTimer();
    return this.runProbe();
  }

  dispose(): void {
    this.disposed = true;
    this.clearTimer();
    this.listeners.clear();
  }

  private schedule(attempt: number, error: string, code: string | undefined, since: number): void {
    this.clearTimer();
    const delayMs = backoffDelay(attempt, this.backoff);
    this.set({ kind: 'disconnected', error, code, since, attempt, retryAt: Date.now() + delayMs, delayMs });
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.runProbe();
    }, delayMs);
    // A pending retry never keeps the process (a CLI, a test run) alive.
    this.timer.unref?.();
  }

  private runProbe(): Promise<HealthState> {
    if (this.probing) return this.probing;
    const s = this.state;
    if (s.kind === 'connected') return Promise.resolve(s);
    const attempt = s.attempt;
    this.set({ kind: 'reconnecting', error: s.error, code: s.code, since: s.since, attempt });
    this.probing = (async (): Promise<HealthState> => {
      try {
        await this.probe();
        if (!this.disposed) this.succeeded();
      } catch (err) {
        if (!this.disposed && this.state.kind !== 'connected') {
          const e = err as { message?: string; code?: string };
          this.schedule(attempt + 1, typeof e?.message === 'string' ? e.message : s.error, e?.code ?? s.code, s.since);
        }
      } finally {
        this.probing = undefined;
      }
      return this.state;
    })();
    return this.probing;
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private set(s: HealthState): void {
    this.state = s;
    for (const l of [...this.listeners]) {
      try {
        l(s);
      } catch {
        // A listener's bug must not stop the retries.
      }
    }
  }
}

/** `disconnected — retrying in 8 s`, for the team root's description. */
export function describeHealth(s: HealthState, now = Date.now()): string {
  switch (s.kind) {
    case 'connected':
      return '';
    case 'reconnecting':
      return 'disconnected — reconnecting…';
    case 'disconnected': {
      const secs = Math.max(0, Math.ceil((s.retryAt - now) / 1000));
      return secs > 0 ? `disconnected — retrying in ${secs} s` : 'disconnected — reconnecting…';
    }
  }
}
