// Date range rules of the data-analysis (datacube) endpoints, from the spec field `dateRule`: the end
// date filled in where it follows from the begin date (weekly: that week's Sunday; monthly: that month's
// last day; one-day endpoints: the begin date), and the range checked before the call as WeChat would
// (a Monday / 1st of the month begin, the allowed span, yesterday at the latest in China time).
// Also cuts a long range into the windows such an endpoint accepts, for client.paginate.
import type { DateRule, EndpointRow } from '../core/endpoint.js';
import { WechatValidationError } from '../core/errors.js';

const DAY_MS = 86_400_000;
/** WeChat's "yesterday" is China Standard Time (UTC+8, no daylight saving). */
const CST_OFFSET_MS = 8 * 3_600_000;
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** Days since 1970-01-01 of a date string in the rule's format, or undefined when it is not a real date. */
export function parseDay(text: string, format: DateRule['format']): number | undefined {
  const m = (format === 'YYYYMMDD' ? /^(\d{4})(\d{2})(\d{2})$/ : /^(\d{4})-(\d{2})-(\d{2})$/).exec(text);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return undefined;
  return ms / DAY_MS;
}

export function formatDay(day: number, format: DateRule['format']): string {
  const iso = new Date(day * DAY_MS).toISOString().slice(0, 10);
  return format === 'YYYYMMDD' ? iso.replace(/-/g, '') : iso;
}

const weekday = (day: number) => new Date(day * DAY_MS).getUTCDay();
const mondayOf = (day: number) => day - ((weekday(day) + 6) % 7);
const firstOfMonth = (day: number) => {
  const d = new Date(day * DAY_MS);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1) / DAY_MS;
};
const lastOfMonth = (day: number) => {
  const d = new Date(day * DAY_MS);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0) / DAY_MS;
};
/** Yesterday in China Standard Time, as days since 1970-01-01. */
export const yesterdayInChina = (now: number): number => Math.floor((now + CST_OFFSET_MS) / DAY_MS) - 1;

/** The end date that follows from the begin date, if the rule has one. */
function derivedEnd(rule: DateRule, begin: number): number | undefined {
  if (rule.period === 'week') return mondayOf(begin) + 6;
  if (rule.period === 'month') return lastOfMonth(begin);
  return rule.maxDays === 1 ? begin : undefined;
}

function readDay(operation: string, rule: DateRule, params: Record<string, unknown>, name: string): number | undefined {
  const value = params[name];
  if (typeof value !== 'string') return undefined; // missing or mistyped: the params schema says so
  const day = parseDay(value, rule.format);
  if (day === undefined) throw new WechatValidationError(operation, `/${name}`, `must be a real date in ${rule.format} (got ${JSON.stringify(value)})`);
  return day;
}

/**
 * Fill the end date in where the rule derives it; with `check`, reject what WeChat would reject.
 * `params` is the call's own copy (mutated).
 */
export function applyDateRule(row: EndpointRow, params: Record<string, unknown>, check: boolean, now: number = Date.now()): void {
  const rule = row.dateRule;
  if (!rule) return;
  const op = row.op;
  const fmt = (day: number) => formatDay(day, rule.format);
  let begin: number | undefined;
  try {
    begin = readDay(op, rule, params, rule.begin);
  } catch (err) {
    if (check) throw err;
    return;
  }
  if (begin === undefined) return;
  const derived = derivedEnd(rule, begin);
  if (params[rule.end] === undefined && derived !== undefined) params[rule.end] = fmt(derived);
  if (!check) return;
  const end = readDay(op, rule, params, rule.end);
  if (end === undefined) return;
  const fail = (name: string, problem: string): never => {
    throw new WechatValidationError(op, `/${name}`, problem);
  };
  const { begin: b, end: e } = rule;
  if (rule.period === 'week') {
    if (weekday(begin) !== 1) fail(b, `must be a Monday (${fmt(begin)} is a ${WEEKDAYS[weekday(begin)]}; that week's Monday is ${fmt(mondayOf(begin))})`);
    if (end !== derived) fail(e, `must be the Sunday of ${b}'s week (${fmt(derived ?? begin)})`);
  } else if (rule.period === 'month') {
    if (begin !== firstOfMonth(begin)) fail(b, `must be the first day of a month (${fmt(firstOfMonth(begin))})`);
    if (end !== derived) fail(e, `must be the last day of ${b}'s month (${fmt(derived ?? begin)})`);
  } else {
    if (end < begin) fail(e, `must not be before ${b} (${fmt(begin)})`);
    const span = end - begin + 1;
    if (rule.maxDays === 1 && span !== 1) fail(e, `must equal ${b} (${fmt(begin)}): one day per call`);
    if (rule.maxDays !== undefined && span > rule.maxDays) fail(e, `must be at most ${rule.maxDays} days from ${b}, both included (${fmt(begin + rule.maxDays - 1)} at the latest; got ${span} days)`);
    if (rule.spans !== undefined && !rule.spans.includes(span)) {
      fail(e, `must make a span of ${rule.spans.join(', ')} days from ${b}, both included (${rule.spans.map((n) => fmt(begin + n - 1)).join(', ')}; got ${span} days)`);
    }
  }
  if (rule.latest === 'yesterday') {
    const yesterday = yesterdayInChina(now);
    if (end > yesterday) fail(e, `must be yesterday (${fmt(yesterday)}, China time) at the latest`);
  }
}

/**
 * The windows a range [begin, end] is cut into for client.paginate: whole weeks or months from the
 * begin date, or runs of at most maxDays days. Without an end date the range is the one derived window.
 */
export function dateWindows(row: EndpointRow, params: Record<string, unknown>): Array<{ begin: string; end: string }> {
  const rule = row.dateRule;
  const op = row.op;
  if (!rule) throw new WechatValidationError(op, '', 'has no dateRule to cut a range into windows');
  const begin = readDay(op, rule, params, rule.begin);
  if (begin === undefined) throw new WechatValidationError(op, `/${rule.begin}`, `is required (a ${rule.format} date) to page through a date range`);
  const end = readDay(op, rule, params, rule.end) ?? derivedEnd(rule, begin);
  if (end === undefined) throw new WechatValidationError(op, `/${rule.end}`, `is required (a ${rule.format} date) to page through a date range`);
  if (end < begin) throw new WechatValidationError(op, `/${rule.end}`, `must not be before ${rule.begin} (${formatDay(begin, rule.format)})`);
  const windows: Array<{ begin: string; end: string }> = [];
  for (let start = begin; start <= end; ) {
    const stop = rule.period === 'week' ? start + 6 : rule.period === 'month' ? lastOfMonth(start) : Math.min(start + (rule.maxDays ?? 1) - 1, end);
    windows.push({ begin: formatDay(start, rule.format), end: formatDay(stop, rule.format) });
    start = stop + 1;
  }
  return windows;
}
