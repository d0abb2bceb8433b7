/** A failure the simulator plays instead of answering normally. */
export type SimFault =
  | { kind: 'server_error'; status?: number }
  | { kind: 'timeout'; ms?: number }
  /**
   * `minutes` is advertised as `estimated_time_to_regain_access`. Meta sends whole minutes; a
   * fraction (0.1 = 6 s) lets a test check the advertised wait without spending minutes on it.
   */
  | { kind: 'rate_limit'; code?: number; minutes?: number }
  | { kind: 'permanent'; code: number; subcode?: number; message?: string; status?: number };

interface Armed {
  fault: SimFault;
  remaining: number;
  /** Only calls whose path contains this string. */
  pathIncludes?: string;
}

/** The queue of faults armed for the next calls. */
export class FaultPlan {
  private readonly armed: Armed[] = [];

  add(fault: SimFault, count: number, pathIncludes?: string): void {
    this.armed.push({ fault, remaining: count, ...(pathIncludes ? { pathIncludes } : {}) });
  }

  /** The fault for a call to `path`, consuming one use. */
  take(path: string): SimFault | null {
    const a = this.armed.find((x) => !x.pathIncludes || path.includes(x.pathIncludes));
    if (!a) return null;
    a.remaining -= 1;
    if (a.remaining <= 0) this.armed.splice(this.armed.indexOf(a), 1);
    return a.fault;
  }

  clear(): void {
    this.armed.length = 0;
  }
}

/** Meta's answer for a fault: status, body and headers. */
export function faultAnswer(fault: Exclude<SimFault, { kind: 'timeout' }>): { status: number; body: unknown; headers: Record<string, string> } {
  switch (fault.kind) {
    case 'server_error':
      return { status: fault.status ?? 500, body: { error: { message: 'An unexpected error has occurred. Please retry your request later.', type: 'OAuthException', code: 2, is_transient: true } }, headers: {} };
    case 'rate_limit': {
      const code = fault.code ?? 80001;
      const minutes = fault.minutes ?? 1;
      const usage = { '1234567890': [{ type: 'pages', call_count: 100, total_cputime: 40, total_time: 60, estimated_time_to_regain_access: minutes }] };
      return {
        status: 400,
        body: { error: { message: 'There have been too many calls to this Page account. Wait a bit and try again.', type: 'OAuthException', code, is_transient: true } },
        headers: { 'x-business-use-case-usage': JSON.stringify(usage), 'x-app-usage': JSON.stringify({ call_count: 100, total_cputime: 30, total_time: 45 }) },
      };
    }
    case 'permanent':
      return {
        status: fault.status ?? 400,
        body: { error: { message: fault.message ?? 'Unsupported post request.', type: 'GraphMethodException', code: fault.code, ...(fault.subcode !== undefined ? { error_subcode: fault.subcode } : {}) } },
        headers: {},
      };
  }
}
