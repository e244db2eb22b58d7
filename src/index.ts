// wechat-tools: typed clients for WeChat's server APIs (Mini Program and Official Account).
export { MPTools, type MPToolsOptions } from './client/mp-tools.js';
export { OATools, type OAToolsOptions } from './client/oa-tools.js';
export { WechatClient, DEFAULT_BASE_URL, type RawRequest } from './client/wechat-client.js';
export type { WechatToolsOptions, TokenMode } from './client/options.js';
export type { Middleware, RequestContext, ResponseContext } from './client/middleware.js';
export type { PageIterator, PageParams, PaginateOptions } from './client/paginate.js';
export type { ExtraEndpoints, ExtraEndpointRow, ExtraTypes, ExtraApi, ExtraOperation, ExtraCall, ExtraPaged, ExtraPaginate, WithExtraEndpoints } from './client/extend.js';
export type { SpecExample } from './core/example.js';
export type { ValidatorGroup, JsonSchema as ValidatorSchema } from './validate/types.js';
export { WechatData, WechatResult, type BinaryReply } from './core/wechat-data.js';
export {
  WechatToolsError,
  WechatError,
  WechatValidationError,
  WechatNetworkError,
  WechatTimeoutError,
  WechatAbortError,
  WechatResponseError,
  WechatTokenError,
  WechatQuotaError,
  WechatPermissionError,
  WechatIpError,
} from './core/errors.js';
export { shouldRetry, NEVER_RETRY, DEFAULT_RETRY, type RetryOptions, type RetryDecision, type AttemptOutcome, type RetryState } from './retry/policy.js';
export type { CallOptions } from './core/call-options.js';
export type { UploadInput, UploadFile } from './core/upload.js';
export type { Logger } from './core/logger.js';
export type { EndpointRow, ClientName, AuthKind, ReplyKind } from './core/endpoint.js';
export { errcodeInfo, TOKEN_ERRCODES, type ErrcodeInfo } from './core/errcodes.js';
export { redactText, redactValue } from './core/redact.js';
export { MemoryCache, type TokenCache, type CachedToken } from './token/cache.js';
export type { AccessTokenProvider } from './token/provider.js';
export { RedisCache, type RedisCacheOptions, type IoRedisLike, type NodeRedisLike, type DistributedLock } from './redis/redis-cache.js';
export type { AuthorizeUrlOptions } from './oauth/authorize-url.js';
export { WechatReauthorizeError, type WebUserTokens } from './oauth/web-tokens.js';
export { WechatDecryptError, decryptOpenData, verifyRawDataSignature, type DecryptFailure } from './crypto/open-data.js';
export { userStateSignature } from './crypto/user-state.js';
export { WechatApiSecurityError, type ApiSecurityOptions, type ApiSecurityFailure } from './sign/api-security.js';
export { jsSdkSignature, type JsSdkConfig, type JsSdkConfigOptions, type JsSdkSignInput } from './jssdk/signature.js';
export { endpointTable } from '../generated/endpoints.js';
export type * from '../generated/types.js';
export { WechatCrypto, WechatPushError, type WechatCryptoOptions, type PushFailure } from './push/crypto.js';
export { createPushHandler, type PushHandler, type PushHandlerOptions, type OnPushMessage, type PushResult, type PushRequest, type PushResponse } from './push/handler.js';
export { reply, serializeReply, type PushReply } from './push/reply.js';
export { PushParseError, parseRawPush } from './push/parse.js';
export type { PushBase, UnknownPushMessage } from './push/types.js';
export type * from '../generated/push.js';
export { createTokenServer, type TokenServer, type TokenServerOptions } from './token-server/server.js';
export * from './platform/index.js';
export type { ComponentAccess } from './client/options.js';
