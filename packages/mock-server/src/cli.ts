#!/usr/bin/env node
import { MockServerError } from './errors';
import { runMockServerCli } from './run-cli';

try {
  const server = await runMockServerCli(process.argv.slice(2));
  if (server) {
    const stop = (): void => {
      void server.close().then(() => process.exit(0));
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  }
} catch (error) {
  process.stderr.write(
    `maxllm-mock-server: ${MockServerError.isInstance(error) ? error.message : String(error)}\n`,
  );
  process.exit(2);
}
