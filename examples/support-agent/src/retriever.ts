// Keyword retriever over the policy index (BM25). Deliberately naive: it has no notion of a
// document being superseded, which is how the stale 2023 refund policy can outrank the current one.
import type { Span } from '@opentelemetry/api';
import type { PolicyDoc } from './ingest';
import type { Tracing } from './tracing';

export interface Retrieved {
  doc: PolicyDoc;
  score: number;
}

const STOPWORDS = new Set(
  (
    'a an and are as at be but by can do does for from had has have how i if in is it its me my ' +
    'of on or our so that the their them they this to was we what when where which who will ' +
    "with you your it's last after been many much long"
  ).split(' '),
);

/** Lowercase word tokens with a plural-only stemmer (refunds -> refund, days -> day). */
export function terms(text: string): string[] {
  const words = text.toLowerCase().match(/[a-z0-9$.]+/g) ?? [];
  return words
    .map((w) => w.replace(/\.+$/, ''))
    .filter((w) => w && !STOPWORDS.has(w))
    .map((w) => (w.length > 3 && w.endsWith('s') && !w.endsWith('ss') ? w.slice(0, -1) : w));
}

export class PolicyRetriever {
  private readonly docTerms: string[][];
  private readonly avgLen: number;

  constructor(
    private readonly tracing: Tracing,
    private readonly docs: PolicyDoc[],
    private readonly topK = 3,
  ) {
    this.docTerms = docs.map((d) => terms(`${d.title} ${d.content}`));
    this.avgLen = this.docTerms.reduce((n, t) => n + t.length, 0) / docs.length;
  }

  private score(query: string[], index: number): number {
    const k1 = 1.2;
    const b = 0.75;
    const doc = this.docTerms[index];
    let score = 0;
    for (const term of new Set(query)) {
      const tf = doc.filter((t) => t === term).length;
      if (!tf) continue;
      const df = this.docTerms.filter((d) => d.includes(term)).length;
      const idf = Math.log(1 + (this.docs.length - df + 0.5) / (df + 0.5));
      score += (idf * tf * (k1 + 1)) / (tf + k1 * (1 - b + (b * doc.length) / this.avgLen));
    }
    // Rounded so the traced score is stable text, not the last bits of a float.
    return Math.round(score * 10_000) / 10_000;
  }

  async search(query: string, parent: Span): Promise<Retrieved[]> {
    const attrs = { 'openinference.span.kind': 'RETRIEVER', 'input.value': query };
    return this.tracing.inSpan('retrieve policies', parent, attrs, async (span) => {
      const q = terms(query);
      const hits = this.docs
        .map((doc, i) => ({ doc, score: this.score(q, i) }))
        .filter((h) => h.score > 0)
        .sort((x, y) => y.score - x.score || x.doc.id.localeCompare(y.doc.id))
        .slice(0, this.topK);
      this.tracing.clock.advanceMicros(18_000 + 2_000 * this.docs.length); // simulated index scan
      hits.forEach((h, i) => {
        const key = `retrieval.documents.${i}.document`;
        span.setAttribute(`${key}.id`, h.doc.id);
        span.setAttribute(`${key}.content`, h.doc.content);
        span.setAttribute(`${key}.score`, h.score);
        span.setAttribute(`${key}.metadata`, JSON.stringify(h.doc.metadata));
      });
      return hits;
    });
  }
}
