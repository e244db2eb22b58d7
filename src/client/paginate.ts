// client.paginate(operation, params): pages through a list endpoint as its spec's `pagination` says
// (cursor, offset, page number, or date windows), octokit style: iterate for the items, `.pages()` for
// the replies. Stops on an errcode (throws the typed WechatError), an empty page (not a window), the
// documented end (empty cursor, offset ≥ total, has_more false, a short page…), maxItems, or the
// caller's AbortSignal. Nothing here is specific to one endpoint.
import type { CallOptions } from '../core/call-options.js';
import type { EndpointRow, PaginationRule } from '../core/endpoint.js';
import { WechatAbortError, WechatToolsError, WechatValidationError, wechatErrorFor } from '../core/errors.js';
import type { WechatResult } from '../core/wechat-data.js';
import { dateWindows } from '../validate/date-rules.js';

export interface PaginateOptions extends Omit<CallOptions, 'throwOnError'> {
  /** Stop after this many items (iteration), or once the pages so far hold this many (`.pages()`). */
  maxItems?: number;
}

/** The params of a paginated operation: the moving param (cursor, offset, page) becomes optional. */
export type PageParams<P, K extends string> = Omit<P, K> & Partial<Pick<P, Extract<K, keyof P>>>;

/** The arguments of a typed paginate(): params required when the operation has required params besides the moving one. */
export type PaginateArgs<E extends { params: unknown; required: boolean }> = E['required'] extends true
  ? [params: E['params'], options?: PaginateOptions]
  : [params?: E['params'], options?: PaginateOptions];

/** Iterate for the items; `.pages()` for the whole replies. Each iteration starts from the first page again. */
export interface PageIterator<T, R> extends AsyncIterable<T> {
  pages(): AsyncIterable<R>;
}

interface Page {
  reply: WechatResult;
  items: unknown[];
}

export interface PaginateInput {
  /** the client's class name, for the unknown-operation message */
  client: string;
  operation: string;
  row: EndpointRow | undefined;
  params: object;
  options: PaginateOptions;
  /** one call of the operation (never throws on an errcode) */
  call: (params: Record<string, unknown>, options: CallOptions) => Promise<WechatResult>;
}

/** The value at a dot path (`data.openid`) of a reply, by own keys only. */
function at(value: unknown, path: string): unknown {
  let v = value;
  for (const key of path.split('.')) {
    if (v === null || typeof v !== 'object' || !Object.hasOwn(v, key)) return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

const numberAt = (reply: WechatResult, path: string | undefined): number | undefined => {
  if (path === undefined) return undefined;
  const n = Number(at(reply, path));
  return Number.isFinite(n) ? n : undefined;
};

function startOf(rule: PaginationRule, given: unknown): unknown {
  if (given !== undefined) return given;
  if (rule.first !== undefined) return rule.first;
  return rule.style === 'offset' ? 0 : rule.style === 'page' ? 1 : undefined;
}

async function* walk(input: PaginateInput): AsyncGenerator<Page> {
  const { operation: op, row, options } = input;
  if (!row) throw new WechatToolsError(`${input.client} has no operation "${op}"`, { operation: op });
  const rule = row.pagination;
  if (!rule) throw new WechatValidationError(op, '', 'cannot be paginated: its spec has no pagination');
  const { maxItems: _maxItems, ...callOptions } = options;
  const base = { ...(input.params as Record<string, unknown>) };
  const signal = options.signal;
  const page = async (params: Record<string, unknown>): Promise<Page> => {
    if (signal?.aborted) throw new WechatAbortError(op, signal.reason);
    const reply = await input.call(params, { ...callOptions, throwOnError: false });
    if (reply.errcode !== 0) throw wechatErrorFor({ operation: op, errcode: reply.errcode, errmsg: reply.errmsg });
    const items = at(reply, rule.items);
    return { reply, items: Array.isArray(items) ? items : [] };
  };

  if (rule.style === 'window') {
    const dates = row.dateRule;
    for (const w of dateWindows(row, base)) yield await page({ ...base, [dates?.begin ?? 'begin_date']: w.begin, [dates?.end ?? 'end_date']: w.end });
    return;
  }

  let position = startOf(rule, base[rule.param]);
  let received = 0;
  for (;;) {
    const params = { ...base };
    if (position === undefined) delete params[rule.param];
    else params[rule.param] = position;
    const current = await page(params);
    const { reply, items } = current;
    received += items.length;
    yield current;
    if (items.length === 0) return;
    if (rule.hasMore !== undefined && !at(reply, rule.hasMore)) return;
    const size = rule.size === undefined ? undefined : Number(params[rule.size]);
    if (rule.shortPageEnds && size !== undefined && Number.isFinite(size) && items.length < size) return;
    const total = numberAt(reply, rule.total);
    if (rule.style === 'cursor') {
      const next = at(reply, rule.next ?? '');
      // an empty, missing or unchanged cursor is the end (an unchanged one would loop forever)
      if (next === undefined || next === null || next === '' || next === position) return;
      if (total !== undefined && received >= total) return;
      position = next;
    } else if (rule.style === 'offset') {
      position = Number(position) + items.length;
      if (total !== undefined && Number(position) >= total) return;
    } else {
      position = Number(position) + 1;
      const pages = numberAt(reply, rule.totalPages);
      if (pages !== undefined && Number(position) - Number(rule.first ?? 1) >= pages) return;
      if (total !== undefined && received >= total) return;
    }
  }
}

function checkMaxItems(operation: string, maxItems: unknown): void {
  if (maxItems !== undefined && (typeof maxItems !== 'number' || !Number.isInteger(maxItems) || maxItems < 0)) {
    throw new WechatValidationError(operation, '', `maxItems must be a whole number ≥ 0 (got ${String(maxItems)})`);
  }
}

class Paginator implements PageIterator<unknown, WechatResult> {
  readonly #input: PaginateInput;
  constructor(input: PaginateInput) {
    this.#input = input;
  }

  async *pages(): AsyncGenerator<WechatResult> {
    const max = this.#input.options.maxItems;
    checkMaxItems(this.#input.operation, max);
    if (max === 0) return;
    let count = 0;
    for await (const page of walk(this.#input)) {
      yield page.reply;
      count += page.items.length;
      if (max !== undefined && count >= max) return;
    }
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<unknown> {
    const max = this.#input.options.maxItems;
    checkMaxItems(this.#input.operation, max);
    if (max === 0) return;
    let count = 0;
    const signal = this.#input.options.signal;
    for await (const page of walk(this.#input)) {
      for (const item of page.items) {
        if (signal?.aborted) throw new WechatAbortError(this.#input.operation, signal.reason);
        yield item;
        if (max !== undefined && ++count >= max) return;
      }
    }
  }
}

export function paginate(input: PaginateInput): PageIterator<unknown, WechatResult> {
  return new Paginator(input);
}
