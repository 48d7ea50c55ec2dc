// A loopback proxy to PostgreSQL that refuses sessions for the databases it is told to (as a managed server refuses
// its `postgres` database to application roles) and records which database every session asked for.
import { connect, createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface DatabaseGateProxy {
  port: number;
  /** The database named by each session's startup message, in order (refused ones included). */
  databasesAsked: string[];
  close(): Promise<void>;
}

// The startup message: Int32 length (itself included), Int32 protocol version, then name\0value\0 pairs and a \0.
function startupParameters(packet: Buffer): Map<string, string> {
  const fields = packet.subarray(8, packet.length - 1).toString('utf8').split('\0');
  const parameters = new Map<string, string>();
  for (let index = 0; index + 1 < fields.length; index += 2) parameters.set(fields[index] as string, fields[index + 1] as string);
  return parameters;
}

/** A FATAL ErrorResponse as PostgreSQL sends it when a role may not connect to a database. */
function permissionDenied(database: string): Buffer {
  const fields = [
    ['S', 'FATAL'],
    ['V', 'FATAL'],
    ['C', '42501'],
    ['M', `permission denied for database "${database}"`],
  ];
  const body = Buffer.concat([...fields.map(([code, value]) => Buffer.from(`${code}${value}\0`, 'utf8')), Buffer.from([0])]);
  const header = Buffer.alloc(5);
  header.write('E', 0, 'ascii');
  header.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([header, body]);
}

/** Proxies to `targetHost:targetPort`; sessions for a database in `refused` get "permission denied" instead. */
export async function startDatabaseGateProxy(targetHost: string, targetPort: number, refused: readonly string[]): Promise<DatabaseGateProxy> {
  const databasesAsked: string[] = [];
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  };
  const server: Server = createServer((client) => {
    track(client);
    let received = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (received.length < 4 || received.length < received.readInt32BE(0)) return;
      client.off('data', onData);
      const packet = received.subarray(0, received.readInt32BE(0));
      const database = startupParameters(packet).get('database') ?? '';
      databasesAsked.push(database);
      if (refused.includes(database)) {
        client.end(permissionDenied(database));
        return;
      }
      const upstream = connect(targetPort, targetHost);
      track(upstream);
      upstream.write(received);
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    };
    client.on('data', onData);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    databasesAsked,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
