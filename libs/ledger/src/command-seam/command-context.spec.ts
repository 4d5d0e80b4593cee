import { uuidFrom } from './command-context';

describe('uuidFrom', () => {
  it('gives the same RFC 9562 version 8 UUID for the same parts, in every process and version of this code', () => {
    // Pinned: ids of events and resources already in ledgers derive from it, and retries must find them.
    expect(uuidFrom('a', 'b')).toBe('59b271ae-1bbc-81d3-9d41-929817f4b16f');
    expect(uuidFrom('command', 'user-1', 'key-1')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(uuidFrom('a', 'b')).not.toBe(uuidFrom('a', 'c'));
  });
});
