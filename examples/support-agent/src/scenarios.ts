// The scripted conversations behind traces/support-agent.otlp.jsonl, in time order. Each one
// exists to show one thing in TraceLens; README.md describes them.
import type { Feedback } from './feedback';

export interface Scenario {
  /** Seeds the trace/span ids, so ids survive edits to other scenarios. */
  key: string;
  startAt: string;
  sessionId: string;
  userId: string;
  conversationId: string;
  question: string;
  feedback?: Feedback;
}

export const SCENARIOS: Scenario[] = [
  {
    key: 'refund-window',
    startAt: '2026-11-03T09:02:11.250Z',
    sessionId: 'sess-7f3a91',
    userId: 'u-1001',
    conversationId: 'conv-0001',
    question: 'How many days do I have to return an item for a refund?',
    feedback: { score: 1, comment: 'Clear answer, thanks.', afterSeconds: 14 },
  },
  {
    key: 'broken-headphones',
    startAt: '2026-11-03T09:17:40.020Z',
    sessionId: 'sess-2c9e04',
    userId: 'u-1002',
    conversationId: 'conv-0002',
    question: 'My order A-1042 arrived broken. Can I get a refund?',
    feedback: { score: 1, comment: 'Refund done in seconds, great.', afterSeconds: 21 },
  },
  {
    // Second turn of the conversation above: same session and conversation id, new trace.
    key: 'refund-timing-follow-up',
    startAt: '2026-11-03T09:19:05.480Z',
    sessionId: 'sess-2c9e04',
    userId: 'u-1002',
    conversationId: 'conv-0002',
    question: 'When will the refund reach my card?',
  },
  {
    key: 'orders-api-outage',
    startAt: '2026-11-03T10:05:33.900Z',
    sessionId: 'sess-b5d170',
    userId: 'u-1003',
    conversationId: 'conv-0003',
    question: 'Where is my refund for order A-3310? It has been two weeks.',
  },
  {
    key: 'tv-refund-over-limit',
    startAt: '2026-11-03T11:41:02.615Z',
    sessionId: 'sess-e0a4c2',
    userId: 'u-1004',
    conversationId: 'conv-0004',
    question: 'The TV from order A-2077 stopped working after a week. I want my $849 back.',
  },
  {
    key: 'gift-return-stale-policy',
    startAt: '2026-11-03T13:26:48.310Z',
    sessionId: 'sess-91f6d8',
    userId: 'u-1005',
    conversationId: 'conv-0005',
    question: 'My jacket from order A-4120 was a gift and I have the gift receipt. How many days do I have to return it for a refund?',
    feedback: { score: -1, comment: 'Policy says 30 days, not 60', afterSeconds: 47 },
  },
  {
    key: 'shipping-canada',
    startAt: '2026-11-03T15:08:19.775Z',
    sessionId: 'sess-4a27bb',
    userId: 'u-1006',
    conversationId: 'conv-0006',
    question: 'Do you ship to Canada, and how long does delivery take?',
    feedback: { score: 1, comment: 'Exactly what I needed.', afterSeconds: 9 },
  },
];
