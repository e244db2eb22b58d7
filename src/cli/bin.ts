#!/usr/bin/env node
// The `wechat-tools` executable.
import { main } from './index.js';

// `wechat-tools endpoints | head`: the reader went away; that is not an error worth a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}

const write = (stream: NodeJS.WriteStream) => (t: string) => {
  if (!stream.destroyed) stream.write(t);
};

main(process.argv.slice(2), { out: write(process.stdout), err: write(process.stderr), env: process.env }).then(
  (code) => {
    process.exitCode = code;
    // A server command has closed what it opened; anything a dependency left running must not keep
    // the process alive after its work is done.
    setTimeout(() => process.exit(code), 2000).unref();
  },
  (err: unknown) => {
    process.stderr.write(`wechat-tools: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
