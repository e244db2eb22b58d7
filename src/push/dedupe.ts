// Dedupe of WeChat's retries: a key per message (MsgId) or per event (every field, hashed), claimed
// atomically with the cache's add() (SET NX on Redis); a cache without add() is claimed get-then-set
// under an in-process guard, so duplicates within one process still run once.
import { createHash } from 'node:crypto';
import type { Logger } from '../core/logger.js';
import type { TokenCache } from '../token/cache.js';

const scalar = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' || typeof v === 'bigint' ? String(v) : undefined);

function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === 'object') return Object.keys(v).sort().map((k) => [k, canonical((v as Record<string, unknown>)[k])]);
  return typeof v === 'bigint' ? String(v) : v;
}

/**
 * Messages: by MsgId (WeChat's advice). Events (and anything without a MsgId): by sender, time and a
 * hash of every field, so two CLICKs with different EventKey in one second, or two
 * TEMPLATESENDJOBFINISH with different MsgID, stay two while a retry (the same fields) is one.
 */
export function dedupeKey(scope: string, fields: Readonly<Record<string, unknown>>): string {
  const id = scalar(fields['MsgId']) ?? scalar(fields['MsgID']) ?? scalar(fields['msg_id']);
  if (id !== undefined && fields['MsgType'] !== 'event') return `wechat-tools:push:${scope}:msg:${id}`;
  const hash = createHash('sha256').update(JSON.stringify(canonical(fields))).digest('base64url').slice(0, 32);
  return `wechat-tools:push:${scope}:evt:${scalar(fields['FromUserName']) ?? ''}:${scalar(fields['CreateTime']) ?? ''}:${hash}`;
}

export interface PushDedupe {
  /** true when this caller is the first to claim the key (and should run onMessage) */
  claim(key: string): Promise<boolean>;
  /** forget a claim so that WeChat's retry runs again */
  release(key: string): Promise<void>;
  /** (re)mark a key as handled */
  mark(key: string): Promise<void>;
}

export function createDedupe(cache: TokenCache, ttlMs: number, logger: Logger | undefined): PushDedupe {
  const claiming = new Set<string>();
  let warned = false;
  const failed = (what: string, err: unknown) => logger?.warn({ error: err instanceof Error ? err.message : String(err) }, `wechat-tools push: the dedupe cache failed on ${what}; the message is handled anyway`);

  async function claimWithoutAdd(key: string): Promise<boolean> {
    if (!warned) {
      warned = true;
      logger?.warn({}, 'wechat-tools push: the dedupe cache has no add() (set-if-absent): duplicates are caught within this process only');
    }
    if (claiming.has(key)) return false;
    claiming.add(key);
    try {
      if ((await cache.get(key)) !== undefined) return false;
      await cache.set(key, 1, ttlMs);
      return true;
    } finally {
      claiming.delete(key);
    }
  }

  return {
    async claim(key) {
      try {
        return cache.add ? (await cache.add(key, 1, ttlMs)) === true : await claimWithoutAdd(key);
      } catch (err) {
        failed('claim', err);
        return true;
      }
    },
    async release(key) {
      try {
        await cache.delete?.(key);
      } catch (err) {
        failed('release', err);
      }
    },
    async mark(key) {
      try {
        await cache.set(key, 1, ttlMs);
      } catch (err) {
        failed('mark', err);
      }
    },
  };
}
