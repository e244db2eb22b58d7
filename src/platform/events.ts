// The events pushed to the platform's 授权事件接收URL (authorization event URL), by InfoType. Fields
// keep WeChat's names; numbers are numbers. An InfoType not listed here arrives as kind 'unknown'.

/** Which fields are numbers (the rest stay as the XML gives them: strings). */
type FieldTable = Readonly<Record<string, 'string' | 'number'>>;

function typeFields(raw: Record<string, unknown>, table: FieldTable): Record<string, unknown> {
  const out: Record<string, unknown> = { ...raw };
  for (const [k, t] of Object.entries(table)) {
    const v = raw[k];
    if (t === 'number' && typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v))) out[k] = Number(v);
    else if (t === 'string' && typeof v === 'number') out[k] = String(v);
  }
  return out;
}

interface EventBase {
  /** the platform's component_appid */
  AppId: string;
  /** unix seconds */
  CreateTime: number;
  InfoType: string;
}

/** Every 10 minutes. Already verified and stored in the cache when your handler sees it; the ticket itself is not enumerable (never logged). */
export interface ComponentVerifyTicketEvent extends EventBase {
  kind: 'component_verify_ticket';
  readonly ComponentVerifyTicket: string;
}

/** An account authorized the platform (授权成功). Exchange AuthorizationCode with op.queryAuth() (the redirect's auth_code is the same code). */
export interface AuthorizedEvent extends EventBase {
  kind: 'authorized';
  AuthorizerAppid: string;
  AuthorizationCode: string;
  /** unix seconds */
  AuthorizationCodeExpiredTime: number;
  PreAuthCode: string;
}

/** An account changed the permissions it grants (授权更新). */
export interface UpdateAuthorizedEvent extends EventBase {
  kind: 'updateauthorized';
  AuthorizerAppid: string;
  AuthorizationCode: string;
  AuthorizationCodeExpiredTime: number;
  PreAuthCode: string;
}

/** An account revoked the authorization (取消授权): its tokens are already dropped when your handler sees it. */
export interface UnauthorizedEvent extends EventBase {
  kind: 'unauthorized';
  AuthorizerAppid: string;
}

/** Result of a fast registration (快速注册企业/个人小程序, 试用小程序). */
export interface FastRegisterEvent extends EventBase {
  kind: 'notify_third_fasteregister' | 'notify_third_fastregisterbetaapp' | 'notify_third_fastverifybetaapp' | 'notify_third_fastregisterpersonalapp';
  /** the new Mini Program's appid (on success) */
  appid?: string;
  /** 0 = success, else WeChat's error code */
  status: number;
  /** authorization code of the new Mini Program (exchange with op.queryAuth) */
  auth_code?: string;
  msg?: string;
  info?: Record<string, unknown>;
}

export interface UnknownComponentEvent extends EventBase {
  kind: 'unknown';
  [field: string]: unknown;
}

export type ComponentEvent = ComponentVerifyTicketEvent | AuthorizedEvent | UpdateAuthorizedEvent | UnauthorizedEvent | FastRegisterEvent | UnknownComponentEvent;

const BASE: FieldTable = { AppId: 'string', CreateTime: 'number', InfoType: 'string' };
const AUTH: FieldTable = { AuthorizerAppid: 'string', AuthorizationCode: 'string', AuthorizationCodeExpiredTime: 'number', PreAuthCode: 'string' };
const FAST: FieldTable = { appid: 'string', status: 'number', auth_code: 'string', msg: 'string' };

const KINDS: Readonly<Record<string, FieldTable>> = {
  component_verify_ticket: { ComponentVerifyTicket: 'string' },
  authorized: AUTH,
  updateauthorized: AUTH,
  unauthorized: { AuthorizerAppid: 'string' },
  notify_third_fasteregister: FAST,
  notify_third_fastregisterbetaapp: FAST,
  notify_third_fastverifybetaapp: FAST,
  notify_third_fastregisterpersonalapp: FAST,
};

/** The decrypted fields → a typed event. */
export function toComponentEvent(raw: Record<string, unknown>): ComponentEvent {
  const infoType = typeof raw['InfoType'] === 'string' ? raw['InfoType'] : '';
  const table = KINDS[infoType];
  const fields = typeFields(typeFields(raw, BASE), table ?? {});
  if (!table) return { ...fields, kind: 'unknown' } as UnknownComponentEvent;
  if (infoType === 'component_verify_ticket') {
    const { ComponentVerifyTicket: ticket, ...rest } = fields;
    const event = { ...rest, kind: 'component_verify_ticket' } as Record<string, unknown>;
    Object.defineProperty(event, 'ComponentVerifyTicket', { value: ticket, enumerable: false });
    return event as unknown as ComponentVerifyTicketEvent;
  }
  return { ...fields, kind: infoType } as ComponentEvent;
}
