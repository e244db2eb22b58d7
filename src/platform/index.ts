// The third-party platform (第三方平台): OpenPlatform and its pushes, events and errors.
export { OpenPlatform, type OpenPlatformOptions, type AuthorizationInfo, type AuthorizerRefreshTokenStore } from './open-platform.js';
export { WechatComponentTicketError, WechatAuthorizationRequiredError } from './errors.js';
export type { ComponentPushHandler, OnComponentEvent } from './auth-push.js';
export type { OnAuthorizerMessage, AuthorizerMessageContext, MessageHandlerOptions } from './message-push.js';
export type { PlatformAuthorizeUrlOptions } from './authorize-url.js';
export type {
  ComponentEvent,
  ComponentVerifyTicketEvent,
  AuthorizedEvent,
  UpdateAuthorizedEvent,
  UnauthorizedEvent,
  FastRegisterEvent,
  UnknownComponentEvent,
} from './events.js';
