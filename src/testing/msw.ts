// msw is an optional peer dependency: required here, on first use of mock.handlers, never by the main entry.
import { createRequire } from 'node:module';
import type { HttpHandler } from 'msw';

export type { HttpHandler };

let msw: typeof import('msw') | undefined;

export function loadMsw(): typeof import('msw') {
  if (!msw) {
    try {
      msw = createRequire(import.meta.url)('msw') as typeof import('msw');
    } catch (cause) {
      throw new Error('mock.handlers needs msw (npm install -D msw@2); mock.listen() works without it', { cause });
    }
  }
  return msw;
}
