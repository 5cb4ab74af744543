// The host side of one span detail page, without VS Code: it holds what the page shows (a span's
// model, or "source no longer loaded"), re-sends it when the page (re)loads, and checks every
// message from the page first — validated by parseSpanDetailPageMessage, then the action must be
// one the current content offers and a value id one the current model named. The panel
// (spanDetailPanel.ts) plugs in postMessage; the unit tests plug in a fake.

import type { CodeRevisionFlag, SpanDetailModel } from '../core/model/spanDetail';
import {
  parseSpanDetailPageMessage,
  type PanelOrigin,
  type SpanDetailAction,
  type SpanDetailHostMessage,
} from '../protocol/spanDetailMessages';

type MaybeThenable<T> = T | PromiseLike<T>;

export interface SpanDetailHandlers {
  /** A header or message action the current content offers. */
  onAction?(action: SpanDetailAction): MaybeThenable<void>;
  /** "Open full value": an id the current model named. */
  onOpenValue?(valueId: string): MaybeThenable<void>;
}

export interface SpanDetailSessionDeps {
  post(msg: SpanDetailHostMessage): PromiseLike<boolean>;
  log?: { debug(msg: string): void; error(msg: string): void };
}

/** Requests handled at once; more are dropped (a flooding page). */
export const MAX_IN_FLIGHT = 8;

type Content =
  | { kind: 'detail'; model: SpanDetailModel; origin: PanelOrigin; valueIds: ReadonlySet<string>; flag?: CodeRevisionFlag }
  | { kind: 'missing'; origin?: PanelOrigin; title: string; text: string; canReopen: boolean };

/** The ids of every cut value in a model: the only ones the page may ask for. */
export function valueIdsOf(model: SpanDetailModel): Set<string> {
  const ids = new Set<string>();
  const visit = (v: unknown, depth: number): void => {
    if (!v || typeof v !== 'object' || depth > 8) return;
    if (Array.isArray(v)) {
      for (const x of v) visit(x, depth + 1);
      return;
    }
    const o = v as Record<string, unknown>;
    if (typeof o.valueId === 'string' && typeof o.text === 'string') ids.add(o.valueId);
    for (const x of Object.values(o)) if (x && typeof x === 'object') visit(x, depth + 1);
  };
  visit(model, 0);
  return ids;
}

export class SpanDetailSession {
  private content: Content | undefined;
  private inFlight = 0;
  private closed = false;
  private dropped = 0;
  private readies = 0;

  constructor(
    private readonly handlers: SpanDetailHandlers,
    private readonly deps: SpanDetailSessionDeps,
  ) {}

  /** What the page shows now (for tests and the controller). */
  get current(): Readonly<Content> | undefined {
    return this.content;
  }

  /** How many times the page said `ready` (it loads again each time it is shown). */
  get pageLoads(): number {
    return this.readies;
  }

  get origin(): PanelOrigin | undefined {
    return this.content?.origin;
  }

  showDetail(model: SpanDetailModel, origin: PanelOrigin): Promise<boolean> {
    this.content = { kind: 'detail', model, origin, valueIds: valueIdsOf(model) };
    return this.post({ type: 'spanDetail', model, origin });
  }

  /** The code flag for the span shown (ignored when the page moved on to another span). */
  setCodeFlag(spanId: string, flag: CodeRevisionFlag): Promise<boolean> {
    if (this.content?.kind !== 'detail' || this.content.model.spanId !== spanId) return Promise.resolve(false);
    this.content.flag = flag;
    return this.post({ type: 'spanDetailCode', spanId, flag });
  }

  showMissing(m: { origin?: PanelOrigin; title: string; text: string; canReopen: boolean }): Promise<boolean> {
    this.content = { kind: 'missing', ...m };
    return this.post({ type: 'spanDetailMissing', ...m });
  }

  status(text: string, error = false): Promise<boolean> {
    return this.post({ type: 'spanDetailStatus', text, ...(error ? { error } : {}) });
  }

  close(): void {
    this.closed = true;
  }

  /** Whether the current content offers this action. */
  offers(action: SpanDetailAction): boolean {
    const c = this.content;
    if (!c) return false;
    if (c.kind === 'missing') return action === 'reopenSource' && c.canReopen;
    switch (action) {
      case 'goToTemplate':
        return c.model.actions.goToTemplate;
      case 'goToCode':
        return c.model.actions.goToCode;
      case 'showLineage':
        return c.model.actions.showLineage;
      case 'openAsText':
        return true;
      case 'showDiff':
        return c.flag?.canDiff === true;
      default:
        return false;
    }
  }

  /** Handles one raw message from the page; resolves when it is handled. */
  async onMessage(raw: unknown): Promise<void> {
    if (this.closed) return;
    const msg = parseSpanDetailPageMessage(raw);
    if (!msg) return this.drop('invalid');
    if (msg.type === 'ready') {
      this.readies++;
      await this.resend();
      return;
    }
    if (msg.type === 'spanDetailAction' && !this.offers(msg.action)) return this.drop(`action ${msg.action} not offered`);
    if (msg.type === 'spanDetailOpenValue' && !(this.content?.kind === 'detail' && this.content.valueIds.has(msg.valueId)))
      return this.drop('unknown value');
    if (this.inFlight >= MAX_IN_FLIGHT) return this.drop('too many requests');
    this.inFlight++;
    try {
      if (msg.type === 'spanDetailAction') await this.handlers.onAction?.(msg.action);
      else await this.handlers.onOpenValue?.(msg.valueId);
    } catch (err) {
      const text = err instanceof Error ? err.message : String(err);
      this.deps.log?.error(`Span detail ${msg.type} failed: ${text}`);
      await this.status(`TraceLens: ${text}`, true);
    } finally {
      this.inFlight--;
    }
  }

  private async resend(): Promise<void> {
    const c = this.content;
    if (!c) return;
    if (c.kind === 'missing') {
      await this.post({ type: 'spanDetailMissing', origin: c.origin, title: c.title, text: c.text, canReopen: c.canReopen });
      return;
    }
    await this.post({ type: 'spanDetail', model: c.model, origin: c.origin });
    if (c.flag) await this.post({ type: 'spanDetailCode', spanId: c.model.spanId, flag: c.flag });
  }

  private post(msg: SpanDetailHostMessage): Promise<boolean> {
    return this.closed ? Promise.resolve(false) : Promise.resolve(this.deps.post(msg));
  }

  private drop(why: string): void {
    // Counted, and logged sparsely: a flooding page must not flood the log.
    if (this.dropped++ % 100 === 0) this.deps.log?.debug(`Span detail page: dropped ${this.dropped} message(s) (last: ${why})`);
  }
}
