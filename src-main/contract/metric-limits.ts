// The metrics contract's bounds, in a file of their own without zod: the Metrics screen checks
// its input against them before sending, and zod in the renderer would trip the window's CSP
// (zod tries `new Function`). The contract (metrics.ts) re-exports them.

/** Longest a metric history may be kept: ten years of day files. */
export const MAX_RETENTION_DAYS = 3650;
