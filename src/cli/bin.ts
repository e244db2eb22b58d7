#!/usr/bin/env node
// The `wechat-tools` executable.
import { main } from './index.js';

main(process.argv.slice(2), { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t), env: process.env }).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`wechat-tools: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
