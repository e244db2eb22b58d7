// Helpers for the client's adversarial tests: loopback servers that misbehave on purpose, and the
// text a secret could hide in (message, stack, JSON, util.inspect with hidden fields, causes).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { format, inspect } from 'node:util';

export interface TestServer {
  url: string;
  requests: { method: string; url: string; body: string }[];
  close(): Promise<void>;
}

/** A loopback server; `handle` answers (or does not) each request after its body has been read. */
export async function serve(handle: (req: IncomingMessage, res: ServerResponse, body: string) => void): Promise<TestServer> {
  const requests: TestServer['requests'] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      requests.push({ method: req.method ?? '', url: req.url ?? '', body });
      handle(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

/** Everything a value shows when logged, serialized or inspected (hidden fields and causes included). */
export function surface(value: unknown): string {
  const parts: string[] = [];
  try {
    parts.push(JSON.stringify(value) ?? '');
  } catch (e) {
    parts.push(String(e));
  }
  parts.push(inspect(value, { depth: 12, showHidden: true }), format('%o %O %s', value, value, value));
  let e: unknown = value;
  for (let i = 0; i < 6 && e instanceof Error; i++) {
    parts.push(e.message, String(e.stack), inspect(e, { depth: 12, showHidden: true }));
    e = e.cause;
  }
  return parts.join('\n');
}

/** Asserts none of `secrets` (nor their first 8 characters) appears in the surface of `value`. */
export function leaks(value: unknown, secrets: readonly string[]): string[] {
  const text = surface(value);
  const found: string[] = [];
  for (const s of secrets) {
    const at = text.indexOf(s.slice(0, 8));
    if (at >= 0) found.push(`${s.slice(0, 8)}… at …${text.slice(Math.max(0, at - 120), at + 40)}…`);
  }
  return found;
}

export const json = (body: string, status = 200): Response => new Response(body, { status, headers: { 'content-type': 'application/json' } });
