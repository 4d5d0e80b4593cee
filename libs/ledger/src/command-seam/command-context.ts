import { createHash, randomUUID } from 'node:crypto';

/** Who gives a command: recorded in every event's metadata; `regions` scope what they may act on. */
export interface Caller {
  userId: string;
  role: string;
  /** Region codes the caller may act on or see; `ID` is the whole country. */
  regions: readonly string[];
}

export interface CommandContext {
  caller: Caller;
  /** The request that carried the command. */
  correlationId: string;
  /**
   * The command's identity: derived from the caller and their Idempotency-Key (the same key always
   * gives the same id, in every process), else random. Event ids and new resource ids derive from it.
   */
  commandId: string;
  /** With an Idempotency-Key: the hash of the request, so the same key with another request is refused. */
  requestHash?: string;
}

export function commandContext(input: {
  caller: Caller;
  correlationId: string;
  idempotency?: { key: string; requestHash: string };
}): CommandContext {
  const { caller, correlationId, idempotency } = input;
  return {
    caller,
    correlationId,
    commandId: idempotency ? uuidFrom('command', caller.userId, idempotency.key) : randomUUID(),
    requestHash: idempotency?.requestHash,
  };
}

/** A new resource's id (an allocation, a claim, a batch), the same on every retry of the command. */
export function idFor(context: CommandContext, purpose: string): string {
  return uuidFrom(context.commandId, purpose);
}

/** A UUID (RFC 9562 version 8 layout) from the SHA-256 of its parts. */
export function uuidFrom(...parts: string[]): string {
  return uuidOfHash(createHash('sha256').update(parts.join('\u0000')).digest('hex'));
}

/**
 * A hex digest shaped as a UUID (RFC 9562 version 8, custom). Joined rather than concatenated: a
 * template literal leaves a tree of string pieces (about 440 bytes where the flat string takes 56), and a
 * monthly batch keeps one such id per worker until its append is written.
 */
export function uuidOfHash(h: string): string {
  const variant = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16);
  return [h.slice(0, 8), h.slice(8, 12), '8' + h.slice(13, 16), variant + h.slice(17, 20), h.slice(20, 32)].join('-');
}
