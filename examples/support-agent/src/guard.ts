// Output guards: every draft answer is checked before the customer sees it. A failing guard
// replaces the draft with a safe fallback; the guard span records the verdict and why.
import type { Span } from '@opentelemetry/api';
import type { Retrieved } from './retriever';
import { AUTO_REFUND_LIMIT } from './tools';
import type { Tracing } from './tracing';

type Action = 'none' | 'fallback' | 'block' | 'retry';

interface Verdict {
  passed: boolean;
  reason: string;
  fallback?: string;
}

interface GuardInput {
  draft: string;
  docs: Retrieved[];
  orderId?: string;
}

type Check = (input: GuardInput) => Verdict;

const ESCALATE =
  "I can't answer that reliably, so I've passed your question to a support specialist, " + 'who will reply by email within 1 business day.';

/** The answer must cite at least one excerpt that was actually retrieved for this turn. */
const citesPolicy: Check = ({ draft, docs }) => {
  const cited = [...draft.matchAll(/\[([\w-]+)\]/g)].map((m) => m[1]);
  const known = cited.filter((id) => docs.some((d) => d.doc.id === id));
  if (known.length) return { passed: true, reason: `cites ${known.join(', ')}` };
  const reason = cited.length ? `cites ${cited.join(', ')}, which was not retrieved` : 'no citation';
  return { passed: false, reason, fallback: ESCALATE };
};

/** The assistant may not promise a refund above what it is allowed to pay out itself. */
const refundAmountLimit: Check = ({ draft, orderId }) => {
  const amounts = [...draft.matchAll(/refund of \$(\d+(?:\.\d\d)?)/g)].map((m) => Number(m[1]));
  const over = amounts.find((a) => a > AUTO_REFUND_LIMIT);
  const limit = `$${AUTO_REFUND_LIMIT.toFixed(2)}`;
  if (over === undefined) {
    return {
      passed: true,
      reason: amounts.length ? `refund within ${limit}` : 'no refund promised',
    };
  }
  return {
    passed: false,
    reason: `answer promises a $${over.toFixed(2)} refund; the assistant may only issue up to ${limit}`,
    fallback:
      `Your refund request for order ${orderId ?? 'your order'} ($${over.toFixed(2)}) needs approval ` +
      `from our billing team because it is above ${limit}; they will reply within 1 business day [refund-approval].`,
  };
};

const GUARDS: [string, Check][] = [
  ['cites_policy', citesPolicy],
  ['refund_amount_limit', refundAmountLimit],
];

export class Guards {
  constructor(private readonly tracing: Tracing) {}

  /** Run every guard on the draft; the first failing guard's fallback becomes the answer. */
  async check(input: GuardInput, parent: Span): Promise<string> {
    let answer = input.draft;
    for (const [name, check] of GUARDS) {
      answer = await this.runGuard(name, check, input, answer, parent);
    }
    return answer;
  }

  private async runGuard(name: string, check: Check, input: GuardInput, current: string, parent: Span) {
    const attrs = {
      'openinference.span.kind': 'GUARDRAIL',
      'tracelens.guard.name': name,
      'input.value': input.draft,
    };
    return this.tracing.inSpan(`guard ${name}`, parent, attrs, async (span) => {
      this.tracing.clock.advanceMicros(1_200);
      const verdict = check(input);
      // Only the first failure replaces the answer; later guards still report their verdict.
      const action: Action = verdict.passed || current !== input.draft ? 'none' : 'fallback';
      const answer = action === 'fallback' && verdict.fallback ? verdict.fallback : current;
      span.setAttributes({
        'tracelens.guard.passed': verdict.passed,
        'tracelens.guard.action': action,
        'tracelens.guard.reason': verdict.reason,
        'output.value': answer,
      });
      return answer;
    });
  }
}
