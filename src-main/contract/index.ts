import type { z } from 'zod';
import { broadcastsEvents, broadcastsRequests } from './broadcasts';
import { dataEvents, dataRequests } from './data';
import { deadLettersRequests } from './dead-letters';
import { eventsEvents, eventsRequests } from './events';
import { facebookEvents, facebookRequests } from './facebook';
import { feedEvents, feedRequests } from './feed';
import { metricsEvents, metricsRequests } from './metrics';
import { modelEvents, modelRequests } from './model';
import { systemEvents, systemRequests } from './system';
import { volunteersEvents, volunteersRequests } from './volunteers';

export * from './define';
export * from './errors';
export type { HealthReport, QueueCounts, Settings } from './system';
export {
  ROSTER_EXCERPT_MAX, ROSTER_FILE_MAX_BASE64, ROSTER_FILE_MAX_BYTES, ROSTER_FILE_MAX_TEXT, ROSTER_REJECTED_LISTED, RPC_BODY_MAX_BYTES, rosterFileProblem,
} from './volunteers';

/**
 * The one contract between the coordinator's UI and the engine: every request and every live
 * event. Electron's preload, the browser bridge (HTTP + WebSocket), the engine's RPC dispatch
 * and the renderer all use these names and types. Each domain keeps its part in its own file.
 */
export const requests = {
  ...systemRequests,
  ...eventsRequests,
  ...volunteersRequests,
  ...broadcastsRequests,
  ...feedRequests,
  ...metricsRequests,
  ...modelRequests,
  ...facebookRequests,
  ...dataRequests,
  ...deadLettersRequests,
};

export const liveEvents = {
  ...systemEvents,
  ...eventsEvents,
  ...volunteersEvents,
  ...broadcastsEvents,
  ...feedEvents,
  ...metricsEvents,
  ...modelEvents,
  ...facebookEvents,
  ...dataEvents,
};

export type Requests = typeof requests;
export type RequestName = keyof Requests & string;
/** What a caller passes (before defaults are applied). */
export type RequestArgs<N extends RequestName> = z.input<Requests[N]['args']>;
/** What a handler receives (validated, defaults applied). */
export type ParsedArgs<N extends RequestName> = z.output<Requests[N]['args']>;
export type RequestResult<N extends RequestName> = Requests[N]['result'];

export type LiveEvents = typeof liveEvents;
export type LiveEventName = keyof LiveEvents & string;
export type LivePayload<E extends LiveEventName> = LiveEvents[E]['payload'];
/** One live event as it travels (IPC, WebSocket, Redis pub/sub). */
export type LiveMessage = { [E in LiveEventName]: { event: E; payload: LivePayload<E>; at: number } }[LiveEventName];

export const REQUEST_NAMES = Object.keys(requests) as RequestName[];
export const LIVE_EVENT_NAMES = Object.keys(liveEvents) as LiveEventName[];

export function isRequestName(name: string): name is RequestName {
  return Object.hasOwn(requests, name);
}
export function isLiveEventName(name: string): name is LiveEventName {
  return Object.hasOwn(liveEvents, name);
}

/** The transport-independent client the renderer uses (IPC in Electron, HTTP in a browser). */
export interface VoluntreeApi {
  invoke<N extends RequestName>(name: N, args: RequestArgs<N>): Promise<RequestResult<N>>;
  on<E extends LiveEventName>(event: E, cb: (payload: LivePayload<E>) => void): () => void;
}
