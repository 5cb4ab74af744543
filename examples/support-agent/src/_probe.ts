import { SimClock } from './determinism';
import { ingestPolicies } from './ingest';
import { PolicyRetriever } from './retriever';
import { Tracing } from './tracing';
const clock = new SimClock();
const t = new Tracing(clock);
const { docs } = ingestPolicies(clock, '2026-11-03T02:00:00.000Z');
const r = new PolicyRetriever(t, docs);
const qs = [
  'How many days do I have to return an item for a refund?',
  'My order A-1042 arrived broken. Can I get a refund?',
  'When will the refund reach my card?',
  'Where is my refund for order A-3310? It has been two weeks.',
  'The TV from order A-2077 stopped working after a week. I want my $849 back.',
  'I got a jacket as a gift last month. How many days do I have to return it for a refund?',
  'My jacket was a gift and I have the gift receipt. How many days do I have to return it for a refund?',
  'I got this jacket as a gift, with a gift receipt. How long do I have to return it?',
  'Do you ship to Canada, and how long does delivery take?',
];
(async () => {
  const root = t.startSpan('x', undefined, {});
  for (const q of qs) console.log(q, '\n   ', (await r.search(q, root)).map((h) => `${h.doc.id}:${h.score}`).join('  '));
})();
