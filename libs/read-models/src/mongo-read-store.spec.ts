import { replicaSetProblem } from './mongo-connect';
import { MongoReadStore } from './mongo-read-store';

describe('MongoDB read store: start-up refuses a server that cannot run transactions', () => {
  const url = 'mongodb://reader:s3cret@db.example:27017/ledger';

  it('accepts a replica set member (hello names its set) and a mongos router', () => {
    expect(replicaSetProblem({ setName: 'rs0', isWritablePrimary: true }, url)).toBeUndefined();
    expect(replicaSetProblem({ setName: 'rs0', isWritablePrimary: false }, url)).toBeUndefined();
    expect(replicaSetProblem({ msg: 'isdbgrid', isWritablePrimary: true }, url)).toBeUndefined();
  });

  it('refuses a standalone server with a message that says what to do, without the password', () => {
    const problem = replicaSetProblem({ isWritablePrimary: true }, url);
    expect(problem).toMatch(/standalone/);
    expect(problem).toMatch(/replica set/);
    expect(problem).toMatch(/--replSet/);
    expect(problem).not.toMatch(/s3cret/);
  });

  it('connect() asks the server hello and refuses a standalone one (fake client)', async () => {
    const closed: boolean[] = [];
    const fake = {
      connect: async () => undefined,
      db: () => ({
        command: async (cmd: Record<string, unknown>) => (cmd.hello ? { isWritablePrimary: true, maxWireVersion: 21 } : { ok: 1 }),
      }),
      close: async () => void closed.push(true),
    };
    await expect(MongoReadStore.connect(url, {}, 1000, () => fake as never)).rejects.toThrow(/standalone server/);
    expect(closed).toEqual([true]);
  });
});
