// Typed errors of the third-party platform: no verify ticket yet, and an authorizer that must
// authorize again. Both are token errors (no token can be had); neither carries a secret.
import { WechatTokenError } from '../core/errors.js';

/**
 * No usable component_verify_ticket: none pushed yet (or none this cache can see), or WeChat
 * rejected the stored one (61005 expired, 61006 invalid).
 */
export class WechatComponentTicketError extends WechatTokenError {
  readonly componentAppid: string;
  /** 61005 / 61006 when WeChat rejected the stored ticket; undefined when none is stored */
  readonly errcode: number | undefined;
  constructor(componentAppid: string, errcode?: number) {
    const why =
      errcode === undefined
        ? 'no component_verify_ticket has been received'
        : `WeChat rejected the stored component_verify_ticket (errcode ${errcode}: ${errcode === 61005 ? 'expired' : 'invalid'})`;
    super(
      `third-party platform ${componentAppid}: ${why}. WeChat pushes a new ticket every 10 minutes to the ` +
        `授权事件接收URL (authorization event URL) configured on the platform: serve op.pushHandler() there, ` +
        `with the same cache (Redis) on every server; op.startPushTicket() asks WeChat to push one now.`,
      { operation: 'getComponentAccessToken' },
    );
    this.componentAppid = componentAppid;
    this.errcode = errcode;
  }
}

/**
 * The authorizer's refresh token is missing, was revoked (an unauthorized event) or is rejected by
 * WeChat (61003, 61023): the merchant must authorize the platform again (op.getAuthorizeUrl()).
 */
export class WechatAuthorizationRequiredError extends WechatTokenError {
  readonly authorizerAppid: string;
  readonly errcode: number | undefined;
  constructor(authorizerAppid: string, why: string, errcode?: number) {
    super(`authorizer ${authorizerAppid} must authorize the platform again (${why}): send the merchant a new link from op.getAuthorizeUrl()`, {
      operation: 'getAuthorizerAccessToken',
    });
    this.authorizerAppid = authorizerAppid;
    this.errcode = errcode;
  }
}
