// One msw server per test file, serving a mock WeChat, with onUnhandledRequest: 'error'.
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { createMockWechat, type MockWechat, type MockWechatOptions } from '../../src/testing/index.js';

export function useMockWechat(options: MockWechatOptions = { tokenOverlapSeconds: 0 }): MockWechat {
  const mock = createMockWechat(options);
  const server = setupServer(...mock.handlers);
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterEach(() => {
    mock.reset();
  });
  afterAll(() => server.close());
  return mock;
}
