// Client options: checked once, and the values every call derives from them (hosts, timeouts,
// deadline, reply cap, logger).
import type { CallOptions } from '../core/call-options.js';
import type { EndpointRow } from '../core/endpoint.js';
import { WechatToolsError } from '../core/errors.js';
import { consoleLogger, safeLogger, type Logger } from '../core/logger.js';
import { MAX_BINARY_BYTES, MAX_JSON_BYTES } from '../http/reply.js';
import type { TokenMode, WechatToolsOptions } from './options.js';

export const DEFAULT_BASE_URL = 'https://api.weixin.qq.com';
/** WeChat Cloud hosting's open-API service (微信云托管开放接口服务): plain http from inside the platform */
export const CLOUD_BASE_URL = 'http://api.weixin.qq.com';
const DEFAULT_HOSTS = { mp: 'https://mp.weixin.qq.com' } as const;
export const DEFAULT_TIMEOUT_MS = 10_000;

const positive = (name: string, v: unknown) => {
  if (v !== undefined && (typeof v !== 'number' || !(v > 0))) throw new WechatToolsError(`${name} must be a positive number of milliseconds`);
};

/** Checks the options; returns a copy (the caller's object is not kept) and the token mode. */
export function checkOptions(options: WechatToolsOptions): { options: WechatToolsOptions; tokenMode: TokenMode } {
  if (!options || typeof options.appid !== 'string' || options.appid === '') throw new WechatToolsError('options.appid is required');
  const tokenMode = options.tokenMode ?? 'stable';
  if (tokenMode !== 'stable' && tokenMode !== 'classic' && tokenMode !== 'cloud') throw new WechatToolsError(`options.tokenMode must be 'stable', 'classic' or 'cloud'`);
  positive('options.timeoutMs', options.timeoutMs);
  positive('options.deadlineMs', options.deadlineMs);
  // the xpay AppKeys and the API security keys live only in their signers' private fields
  const { xpay: _xpay, apiSecurity: _apiSecurity, ...rest } = options;
  return { options: rest, tokenMode };
}

export function loggerOf(options: WechatToolsOptions): Logger | undefined {
  return options.logger ? safeLogger(options.logger) : options.debug ? safeLogger(consoleLogger) : undefined;
}

/** The origin a row's requests go to (no trailing slash). */
export function baseUrlFor(row: EndpointRow, options: WechatToolsOptions, tokenMode: TokenMode): string {
  const api = options.baseUrl ?? (tokenMode === 'cloud' ? CLOUD_BASE_URL : DEFAULT_BASE_URL);
  const base = row.host === 'mp' ? (options.hosts?.mp ?? options.baseUrl ?? DEFAULT_HOSTS.mp) : api;
  return base.replace(/\/+$/, '');
}

/** Per-attempt timeout, total deadline and reply cap of one call. */
export function callLimits(row: EndpointRow, options: WechatToolsOptions, call: CallOptions): { timeoutMs: number; deadlineMs: number | undefined; maxBytes: number } {
  positive('timeoutMs', call.timeoutMs);
  positive('deadlineMs', call.deadlineMs);
  return {
    timeoutMs: call.timeoutMs ?? options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    deadlineMs: call.deadlineMs ?? options.deadlineMs,
    maxBytes: options.maxResponseBytes ?? (row.reply === 'json' ? MAX_JSON_BYTES : MAX_BINARY_BYTES),
  };
}
