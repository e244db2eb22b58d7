// What a call returns: the WechatData of a parsed reply, and the reply checked against its spec.
import type { EndpointRow } from '../core/endpoint.js';
import { WechatValidationError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { WechatResult } from '../core/wechat-data.js';
import type { ParsedReply } from '../http/reply.js';
import { asResponse, type HttpReply } from '../http/transport.js';
import { checkResponse } from '../validate/validate.js';

export function shapeResult(row: EndpointRow, reply: HttpReply, parsed: ParsedReply, secrets: readonly string[]): WechatResult {
  const base = { operation: row.op, status: reply.response.status, response: () => asResponse(reply.response), secrets };
  return parsed.kind === 'binary' ? new WechatResult({ ...base, binary: { buffer: parsed.bytes, contentType: parsed.contentType } }) : new WechatResult({ ...base, json: parsed.json, fields: parsed.json });
}

const warnedOps = new Set<string>();

/** Reply validation: 'warn' logs a mismatch (once per operation without a logger), 'throw' throws, 'off' skips. */
export async function checkReply(row: EndpointRow, json: Record<string, unknown>, mode: 'warn' | 'throw' | 'off', logger: Logger | undefined): Promise<void> {
  if (mode === 'off') return;
  const problem = await checkResponse(row, json);
  if (problem === undefined) return;
  const message = `${row.op}: the reply does not match the spec: ${problem}`;
  if (mode === 'throw') throw new WechatValidationError(row.op, problem.split(' ')[0] ?? '', `in the reply ${problem.slice(problem.indexOf(' ') + 1)}`);
  if (logger) logger.warn({ operation: row.op, problem }, message);
  else if (!warnedOps.has(row.op)) {
    warnedOps.add(row.op);
    process.emitWarning(message, 'WechatToolsWarning');
  }
}
