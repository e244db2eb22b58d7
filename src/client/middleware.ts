// Middleware: plain objects with optional onRequest / onResponse, run in order around each attempt
// (openapi-fetch's model). The access_token and the app credentials are added by built-in ones.
import type { EndpointRow } from '../core/endpoint.js';

export interface RequestContext {
  /** the endpoint being called */
  readonly row: EndpointRow;
  readonly operation: string;
  /** 0 for the first attempt, 1 for the retry after a token error */
  readonly attempt: number;
  method: 'GET' | 'POST';
  baseUrl: string;
  path: string;
  /** query parameters (an object without a prototype: use Object.hasOwn, not .hasOwnProperty) */
  query: Record<string, unknown>;
  /** JSON fields (or multipart fields) of the body, without a prototype too; undefined for a GET */
  body: Record<string, unknown> | undefined;
  /** the exact JSON text to send instead of serializing `body` (set by a middleware that signs the body) */
  rawBody?: string;
  headers: Record<string, string>;
  /** the access_token this attempt uses, when the endpoint takes one */
  accessToken?: string;
}

export interface ResponseContext {
  readonly status: number;
  readonly durationMs: number;
  /** errcode of a JSON reply (0 when absent); undefined for bytes */
  readonly errcode: number | undefined;
}

export interface Middleware {
  name?: string;
  onRequest?(ctx: RequestContext): void | Promise<void>;
  onResponse?(ctx: RequestContext, res: ResponseContext): void | Promise<void>;
}
