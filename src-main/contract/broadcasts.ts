// The broadcasts part of the contract. Requests: name → args schema (zod) + result type.
// Live events: name → payload type. Merged into the whole contract by ./index.ts.
export const broadcastsRequests = {};

export const broadcastsEvents = {};
