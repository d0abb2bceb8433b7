import { RpcError, isRequestName, requests, type RequestName } from '../contract';
import type { CallContext, Handlers } from './module';
import type { Logger } from './log';

/**
 * Validates a call's arguments against the contract and runs its handler. Every way into the
 * engine (IPC, HTTP, tests) goes through here, so validation happens in one place.
 */
export class RpcDispatcher {
  constructor(
    private readonly handlers: Partial<Handlers>,
    private readonly log: Logger,
  ) {}

  /** Contract names without a handler (a test asserts there are none in the full engine). */
  missing(): RequestName[] {
    return (Object.keys(requests) as RequestName[]).filter((n) => !this.handlers[n]);
  }

  async call(name: string, rawArgs: unknown, call: CallContext): Promise<unknown> {
    if (!isRequestName(name)) throw new RpcError('unknown_method', `There is no method called "${name}".`);
    const handler = this.handlers[name] as ((args: unknown, c: CallContext) => Promise<unknown>) | undefined;
    if (!handler) throw new RpcError('unavailable', `"${name}" is not available in this process.`);
    const parsed = requests[name].args.safeParse(rawArgs ?? {});
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `${i.path.length ? i.path.join('.') : 'arguments'}: ${i.message}`);
      throw new RpcError('bad_arguments', `Invalid arguments for ${name}: ${issues.join('; ')}`, parsed.error.issues);
    }
    try {
      return await handler(parsed.data, call);
    } catch (err) {
      if (err instanceof RpcError) throw err;
      this.log.error('request failed', { method: name, err });
      throw new RpcError('internal', `Something went wrong while running ${name}. The details are in the log.`);
    }
  }
}
