import { WORKER_UPCASTERS } from '@app/domain';
import { UpcasterRegistry } from '@app/event-store';

/** Every upcaster of the ledger's events: the command seam, the projector and the replays read through them. */
export const LEDGER_UPCASTERS = new UpcasterRegistry([...WORKER_UPCASTERS]);
