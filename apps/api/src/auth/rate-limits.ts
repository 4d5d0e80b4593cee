import { ThrottlerStorageService } from '@nestjs/throttler';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

export interface Verdict {
  allowed: boolean;
  /** Seconds until the next request may pass (when refused). */
  retryAfterSeconds: number;
}

/**
 * Per-user limits: commands (POST) per minute, through @nestjs/throttler's storage; and "NIK already
 * enrolled" answers per hour, after which enrolments are refused (enrolment is no oracle for whether
 * a NIK is enrolled).
 */
export class RateLimits {
  private readonly storage = new ThrottlerStorageService();
  private readonly duplicates = new Map<string, number[]>();

  constructor(
    private readonly commandsPerMinute: number,
    private readonly duplicateNikPerHour: number,
  ) {}

  async command(userId: string): Promise<Verdict> {
    const r = await this.storage.increment(`command:${userId}`, MINUTE_MS, this.commandsPerMinute, 0, 'commands');
    return { allowed: !r.isBlocked, retryAfterSeconds: Math.max(1, r.timeToBlockExpire) };
  }

  /** Whether the user may still be told that a NIK is enrolled. */
  duplicateNik(userId: string, now = Date.now()): Verdict {
    const hits = this.recent(userId, now);
    if (hits.length < this.duplicateNikPerHour) return { allowed: true, retryAfterSeconds: 0 };
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((hits[0] + HOUR_MS - now) / 1000)) };
  }

  /** Counts one "NIK already enrolled" answer; returns how many the user got in the last hour. */
  recordDuplicateNik(userId: string, now = Date.now()): number {
    const hits = this.recent(userId, now);
    hits.push(now);
    this.duplicates.set(userId, hits);
    return hits.length;
  }

  close(): void {
    this.storage.onApplicationShutdown();
  }

  private recent(userId: string, now: number): number[] {
    return (this.duplicates.get(userId) ?? []).filter((t) => t > now - HOUR_MS);
  }
}
