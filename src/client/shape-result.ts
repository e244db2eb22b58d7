// What a call returns: the WechatData of a parsed reply, and the reply checked against its spec.
import type { EndpointRow, FailureField } from '../core/endpoint.js';
import { WechatValidationError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { WechatResult } from '../core/wechat-data.js';
import type { ParsedReply } from '../http/reply.js';
import type { HttpReply } from '../http/transport.js';
import { checkResponse } from '../validate/validate.js';

/** The result of a reply; its Response is made from the bytes read, on first access. */
export function shapeResult(row: EndpointRow, reply: HttpReply, parsed: ParsedReply, secrets: readonly string[]): WechatResult {
  const response = reply.response;
  if (parsed.kind === 'binary') return new WechatResult({ operation: row.op, status: response.status, response, secrets, binary: { buffer: parsed.bytes, contentType: parsed.contentType } });
  const failed = row.failureField ? failureInSuccess(row.failureField, parsed.json) : undefined;
  return new WechatResult({ operation: row.op, status: response.status, response, secrets, json: parsed.json, fields: failed ? { ...parsed.json, ...failed } : parsed.json });
}

/** The value at a dot path of a JSON reply (own keys only). */
function valueAt(json: Record<string, unknown>, path: string): unknown {
  let cur: unknown = json;
  for (const key of path.split('.')) {
    if (cur === null || typeof cur !== 'object' || !Object.hasOwn(cur, key)) return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

/**
 * Spec field response.failureField: a reply with errcode 0 (or none) whose failure code field is non-zero
 * is a failure; its errcode/errmsg come from the code and message fields (errmsg names the code field).
 */
export function failureInSuccess(rule: FailureField, json: Record<string, unknown>): { errcode: number; errmsg: string } | undefined {
  if ((Number(json['errcode'] ?? 0) || 0) !== 0) return undefined; // WeChat's own errcode wins
  const raw = valueAt(json, rule.code);
  const code = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : 0;
  if (code === 0 || Number.isNaN(code)) return undefined;
  const message = rule.message === undefined ? undefined : valueAt(json, rule.message);
  const text = typeof message === 'string' && message !== '' ? message : 'failed';
  return { errcode: code, errmsg: `${text} (${rule.code} ${code})` };
}

const warnedOps = new Set<string>();

/** Reply validation: 'warn' logs a mismatch (once per operation without a logger), 'throw' throws, 'off' skips. Synchronous once the validators are loaded. */
export function checkReply(row: EndpointRow, json: Record<string, unknown>, mode: 'warn' | 'throw' | 'off', logger: Logger | undefined): void | Promise<void> {
  if (mode === 'off') return;
  const problem = checkResponse(row, json);
  if (problem === undefined) return;
  if (typeof problem !== 'string') return problem.then((p) => reportReply(row, p, mode, logger));
  reportReply(row, problem, mode, logger);
}

function reportReply(row: EndpointRow, problem: string | undefined, mode: 'warn' | 'throw', logger: Logger | undefined): void {
  if (problem === undefined) return;
  const message = `${row.op}: the reply does not match the spec: ${problem}`;
  if (mode === 'throw') throw new WechatValidationError(row.op, problem.split(' ')[0] ?? '', `in the reply ${problem.slice(problem.indexOf(' ') + 1)}`);
  if (logger) logger.warn({ operation: row.op, problem }, message);
  else if (!warnedOps.has(row.op)) {
    warnedOps.add(row.op);
    process.emitWarning(message, 'WechatToolsWarning');
  }
}
