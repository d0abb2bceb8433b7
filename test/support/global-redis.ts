import type { TestProject } from 'vitest/node';
import { startTestRedisServer } from './redis-server';

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
  }
}

/** One real redis-server for the whole test run; tests isolate themselves by key prefix. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startTestRedisServer();
  project.provide('redisUrl', server.url);
  return () => server.stop();
}
