// wechat-tools/testing: the mock WeChat for users' own tests (msw handlers or a loopback server).
export { createMockWechat, MockWechat, DEFAULT_MOCK_APP, WECHAT_HOSTS, exampleReply } from './mock-wechat.js';
export type { MockApp, MockWechatOptions, MockReply, MockRequest, MockFailure, MockStats, MockServer } from './mock-wechat.js';
export { TokenState } from './token-state.js';
export { examples } from '../../generated/examples.js';
export { MockPlatformState, DEFAULT_MOCK_PLATFORM, DEFAULT_MOCK_AUTHORIZER, type MockPlatform } from './mock-platform.js';
