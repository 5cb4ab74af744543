// Deterministic time and ids. The committed traces must be byte-identical every time
// `npm run demo:traces` runs, so nothing here reads the wall clock or a random source.
import { createHash } from 'node:crypto';
import type { HrTime } from '@opentelemetry/api';
import type { IdGenerator } from '@opentelemetry/sdk-trace-base';

/** A simulated clock: the fake model, tools and retriever advance it by their scripted latency. */
export class SimClock {
  private ns = 0n;

  /** Jump to an ISO instant (the scripted start of a conversation or job run). */
  set(iso: string): void {
    const ms = Date.parse(iso);
    if (Number.isNaN(ms)) throw new Error(`bad instant: ${iso}`);
    this.ns = BigInt(ms) * 1_000_000n;
  }

  /** Advance by whole microseconds: integers keep the arithmetic exact. */
  advanceMicros(us: number): void {
    this.ns += BigInt(Math.round(us)) * 1_000n;
  }

  /** OpenTelemetry HrTime ([seconds, nanos]): passed as a tuple the SDK uses it verbatim. */
  now(): HrTime {
    return [Number(this.ns / 1_000_000_000n), Number(this.ns % 1_000_000_000n)];
  }

  iso(): string {
    return new Date(Number(this.ns / 1_000_000n)).toISOString();
  }
}

export function hexDigest(text: string, chars: number): string {
  return createHash('sha256').update(text).digest('hex').slice(0, chars);
}

/**
 * Span and trace ids from sha256(seed:counter). It is re-seeded per conversation, so adding or
 * reordering a scripted run does not change the ids of the others.
 */
export class SeededIdGenerator implements IdGenerator {
  private seed = 'support-agent';
  private counter = 0;

  reseed(seed: string): void {
    this.seed = seed;
    this.counter = 0;
  }

  generateTraceId(): string {
    return hexDigest(`${this.seed}:trace:${this.counter++}`, 32);
  }

  generateSpanId(): string {
    return hexDigest(`${this.seed}:span:${this.counter++}`, 16);
  }
}

/** A UUIDv7-shaped id (time-ordered, as OpenLineage recommends for runId) from a seed. */
export function seededUuidV7(seed: string, atIso: string): string {
  const ms = Date.parse(atIso).toString(16).padStart(12, '0');
  const rand = hexDigest(seed, 20);
  const variant = ((parseInt(rand[3], 16) & 0x3) | 0x8).toString(16);
  return `${ms.slice(0, 8)}-${ms.slice(8, 12)}-7${rand.slice(0, 3)}-${variant}${rand.slice(4, 7)}-${rand.slice(8, 20)}`;
}
