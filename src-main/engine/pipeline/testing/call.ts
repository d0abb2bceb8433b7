import { requests, type RequestArgs, type RequestName, type RequestResult } from '../../../contract';
import type { Handler } from '../../module';
import type { PipelineModule } from '../pipeline-module';

/** Calls a handler the way the RPC layer does: arguments validated (defaults applied) by the contract's schema first. */
export async function call<N extends RequestName>(module: PipelineModule, name: N, args: RequestArgs<N>): Promise<RequestResult<N>> {
  const handler = module.handlers?.[name] as Handler<N> | undefined;
  if (!handler) throw new Error(`no handler for ${name}`);
  const parsed = requests[name].args.parse(args) as Parameters<Handler<N>>[0];
  return handler(parsed, { via: 'internal' });
}
