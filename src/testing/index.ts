// wechat-tools/testing: the mock WeChat for users' own tests (msw handlers or a loopback server).
export { createMockWechat, MockWechat, DEFAULT_MOCK_APP, WECHAT_HOSTS, exampleReply } from './mock-wechat.js';
export type { MockApp, MockWechatOptions, MockReply, MockRequest, MockFailure, MockStats, MockServer } from './mock-wechat.js';
export { TokenState } from './token-state.js';
export { MockData, type MockDataOptions, type MockDataRequest, type MockUser } from './mock-data.js';
export { DEFAULT_MOCK_API_SECURITY, type MockApiSecurity } from './mock-api-security.js';
/** Each endpoint's success example, the one the mock answers with, by spec id: name and reply, no params (every example of the specs, params included, is in the repository's generated/examples.data.cjs). */
export { shippedExamples as examples } from '../../generated/shipped-examples.js';
export { createPushKit, PushKit, nodeResponse } from './push-kit.js';
export type { PushKitOptions, PushKitMode, PushKitMessage, PushKitRequestOptions, PushKitParts, PushKitReply, CapturedNodeResponse } from './push-kit.js';
export { encryptOpenData } from './open-data-kit.js';
export type { OpenDataOptions, EncryptedOpenData } from './open-data-kit.js';
export { MockPlatformState, DEFAULT_MOCK_PLATFORM, DEFAULT_MOCK_AUTHORIZER, type MockPlatform } from './mock-platform.js';
