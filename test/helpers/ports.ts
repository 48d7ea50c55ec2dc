// Loopback ports for tests that need a dependency to be unreachable (a port nothing listens on), or that tell a
// process which port to bind later. They are taken below the kernel's ephemeral range: a port in that range can be
// handed to anyone at any moment (another test's listen(0), or the local end of any outgoing connection, which a
// later bind then finds in use), while below it only an explicit bind takes one.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** The lowest port of those we pick from: above the well-known and registered ports services here use. */
const LOWEST = 10_000;

/** A loopback port nothing listens on (a moment ago), so connecting to it is refused. */
export async function closedPort(): Promise<number> {
  return closedPortRun(1);
}

/** The first of `count` consecutive loopback ports nothing listens on (a moment ago). */
export async function closedPortRun(count: number): Promise<number> {
  const ceiling = ephemeralRangeStart() - count;
  for (;;) {
    const first = LOWEST + Math.floor(Math.random() * (ceiling - LOWEST));
    if (await allFree(first, count)) return first;
  }
}

function ephemeralRangeStart(): number {
  try {
    const start = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    if (Number.isInteger(start) && start > LOWEST + 1_000) return start;
  } catch {
    // Not Linux: the range IANA assigns for ephemeral ports.
  }
  return 49_152;
}

async function allFree(first: number, count: number): Promise<boolean> {
  for (let port = first; port < first + count; port++) if (!(await canListen(port))) return false;
  return true;
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
