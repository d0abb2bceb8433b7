/** True when an output under out/ is missing or older than the sources. */
export function buildIsStale(root: string): boolean;
/** Runs `electron-vite build`; throws when it fails (its output is printed then). */
export function build(root: string): void;
