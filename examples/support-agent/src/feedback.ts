// User feedback (thumbs up/down plus a comment) recorded as a GenAI evaluation event on the turn's
// root span, so it travels with the trace and TraceLens can highlight runs users disliked.
import type { HrTime, Span } from '@opentelemetry/api';

export interface Feedback {
  score: 1 | -1;
  comment: string;
  /** Seconds after the answer was shown that the user clicked. */
  afterSeconds: number;
}

/**
 * The event keeps the time of the click, which is after the span's end time: the turn's duration
 * is the agent's work, and the span is only held open until the feedback widget closes.
 */
export function recordFeedback(span: Span, feedback: Feedback, answeredAt: HrTime): void {
  const at: HrTime = [answeredAt[0] + feedback.afterSeconds, answeredAt[1]];
  span.addEvent(
    'gen_ai.evaluation.result',
    {
      'gen_ai.evaluation.name': 'user_feedback',
      'gen_ai.evaluation.score.value': feedback.score,
      'gen_ai.evaluation.score.label': feedback.score > 0 ? 'positive' : 'negative',
      'gen_ai.evaluation.explanation': feedback.comment,
    },
    at,
  );
}
