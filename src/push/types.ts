// Shapes shared by every pushed message and event; the per-kind interfaces are generated from
// spec/push/** into generated/push.ts.

/** How a field is read: scalars, 64-bit ids (kept as strings), nested objects and lists. */
export type PushFieldType = 'string' | 'number' | 'id' | { readonly object: PushFieldTable } | { readonly list: 'string' | 'number' | 'id' | PushFieldTable };
export type PushFieldTable = { readonly [field: string]: PushFieldType };

export interface PushBase {
  /** The parsed kind: the MsgType of a message ('text'), 'event:<Event>' for an event, 'unknown' otherwise */
  kind: string;
  /** The app's original id (gh_…) */
  ToUserName: string;
  /** The user's openid */
  FromUserName: string;
  /** Unix seconds */
  CreateTime: number;
  MsgType: string;
  Event?: string;
}

/** A message or event no spec describes yet: every raw field is kept. */
export interface UnknownPushMessage extends PushBase {
  kind: 'unknown';
  [field: string]: unknown;
}
