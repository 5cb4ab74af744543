// The agent's tools. They stand in for the order and billing services; lookups are fixtures and
// one order hits a scripted outage so that a trace shows a failing tool call.
import type { Span } from '@opentelemetry/api';
import { hexDigest } from './determinism';
import type { Part, ToolDefinition } from './model';
import type { Tracing } from './tracing';

/** The refund amount the assistant may pay out on its own (policies/refund-approval.md). */
export const AUTO_REFUND_LIMIT = 200;

interface Order {
  order_id: string;
  status: 'delivered' | 'in_transit';
  delivered_on?: string;
  items: { sku: string; name: string; qty: number; price: number }[];
  total: number;
  currency: 'USD';
}

const ORDERS: Record<string, Order> = {
  'A-1042': {
    order_id: 'A-1042',
    status: 'delivered',
    delivered_on: '2026-10-29',
    items: [{ sku: 'HP-220', name: 'Wireless headphones', qty: 1, price: 49.99 }],
    total: 49.99,
    currency: 'USD',
  },
  'A-4120': {
    order_id: 'A-4120',
    status: 'delivered',
    delivered_on: '2026-09-30',
    items: [{ sku: 'JK-310', name: 'Rain jacket', qty: 1, price: 129 }],
    total: 129,
    currency: 'USD',
  },
  'A-2077': {
    order_id: 'A-2077',
    status: 'delivered',
    delivered_on: '2026-10-24',
    items: [{ sku: 'TV-55Q', name: '55" QLED TV', qty: 1, price: 849 }],
    total: 849,
    currency: 'USD',
  },
};

export class OrderServiceError extends Error {
  override name = 'OrderServiceError';
}

/** Orders whose lookup hits the scripted outage, with the simulated time spent waiting. */
const OUTAGE: Record<string, number> = { 'A-3310': 3_000 };

export const TOOL_DEFINITIONS: ToolDefinition[] = [
  {
    type: 'function',
    name: 'lookup_order',
    description: 'Fetch an order: status, delivery date, items and total.',
    parameters: {
      type: 'object',
      properties: { order_id: { type: 'string' } },
      required: ['order_id'],
    },
  },
  {
    type: 'function',
    name: 'issue_refund',
    description: 'Refund an order to the original payment method.',
    parameters: {
      type: 'object',
      properties: {
        order_id: { type: 'string' },
        amount: { type: 'number' },
        reason: { type: 'string' },
      },
      required: ['order_id', 'amount'],
    },
  },
];

export class ToolBox {
  constructor(private readonly tracing: Tracing) {}

  private lookupOrder(args: Record<string, unknown>): Order {
    const id = String(args.order_id);
    const waitedMs = OUTAGE[id];
    if (waitedMs) {
      this.tracing.clock.advanceMicros(waitedMs * 1_000);
      throw new OrderServiceError(`orders-api: 503 Service Unavailable after ${waitedMs} ms (upstream timeout)`);
    }
    this.tracing.clock.advanceMicros(84_000);
    const order = ORDERS[id];
    if (!order) throw new OrderServiceError(`orders-api: no order ${id}`);
    return order;
  }

  private issueRefund(args: Record<string, unknown>) {
    this.tracing.clock.advanceMicros(212_000);
    const amount = Number(args.amount);
    if (amount > AUTO_REFUND_LIMIT) {
      // Not an error: the billing service queues it for a human, and says so in `status`.
      return { refund_id: null, order_id: args.order_id, amount, status: 'requires_approval' };
    }
    const refundId = `RF-${parseInt(hexDigest(String(args.order_id), 6), 16) % 100_000}`;
    return { refund_id: refundId, order_id: args.order_id, amount, status: 'issued' };
  }

  private run(name: string, args: Record<string, unknown>): unknown {
    if (name === 'lookup_order') return this.lookupOrder(args);
    if (name === 'issue_refund') return this.issueRefund(args);
    throw new Error(`unknown tool: ${name}`);
  }

  /** Run one tool call from the model inside an `execute_tool` span; errors become tool results. */
  async execute(call: Extract<Part, { type: 'tool_call' }>, parent: Span): Promise<Part> {
    const attrs = {
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': call.name,
      'gen_ai.tool.call.id': call.id,
      'gen_ai.tool.call.arguments': JSON.stringify(call.arguments),
    };
    try {
      const result = await this.tracing.inSpan(`execute_tool ${call.name}`, parent, attrs, async (span) => {
        const out = this.run(call.name, call.arguments);
        span.setAttribute('gen_ai.tool.call.result', JSON.stringify(out));
        return out;
      });
      return { type: 'tool_call_response', id: call.id, response: result };
    } catch (err) {
      // The span already carries the exception; the model gets the message to explain it.
      const message = err instanceof Error ? err.message : String(err);
      return { type: 'tool_call_response', id: call.id, response: { error: message } };
    }
  }
}
