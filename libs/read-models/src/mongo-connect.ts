import { MongoClient } from 'mongodb';

/** What `hello` answers that decides whether the server can run the stores' transactions. */
export interface HelloReply {
  setName?: string;
  msg?: string;
  isWritablePrimary?: boolean;
  ismaster?: boolean;
}

/**
 * Why a server cannot hold the read models (and the stores beside them), or undefined when it can.
 * Commits are transactions, which MongoDB runs only on a replica set member or through mongos; a
 * standalone server accepts the connection and then refuses every commit, so it is refused at start-up.
 */
export function replicaSetProblem(hello: HelloReply, url: string): string | undefined {
  if (hello.setName || hello.msg === 'isdbgrid') return undefined;
  return (
    `MongoDB at ${redactUrl(url)} is a standalone server: the read models commit with transactions, which need a replica set ` +
    `(a single-node one is enough: start mongod with --replSet rs0 and run rs.initiate(), as docker/compose.yaml does) or a sharded cluster`
  );
}

export function redactUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}

/**
 * A client of a MongoDB that answers and can run transactions, or a clear error naming the server
 * (its credentials hidden): the one way the read store, the seal store and the key store connect.
 */
export async function connectMongo(
  url: string,
  timeoutMs = 10_000,
  newClient: (url: string, timeoutMs: number) => MongoClient = (u, t) => new MongoClient(u, { serverSelectionTimeoutMS: t }),
): Promise<MongoClient> {
  const client = newClient(url, timeoutMs);
  let hello: HelloReply;
  try {
    await client.connect();
    hello = (await client.db('admin').command({ hello: 1 })) as HelloReply;
  } catch (error) {
    await client.close().catch(() => undefined);
    throw new Error(`MongoDB at ${redactUrl(url)} cannot be reached: ${(error as Error).message}`);
  }
  const problem = replicaSetProblem(hello, url);
  if (problem) {
    await client.close().catch(() => undefined);
    throw new Error(problem);
  }
  return client;
}
