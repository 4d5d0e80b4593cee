/**
 * Turns the stored data of one version of an event type into the next version's. Events are forever:
 * what is stored never changes; a reader sees every event in its current version. The application
 * registers these with the event store's upcasting seam.
 */
export interface EventUpcaster {
  type: string;
  /** The version this upcaster reads; it answers version `fromVersion + 1`. */
  fromVersion: number;
  upcast(data: Record<string, unknown>): Record<string, unknown>;
}
