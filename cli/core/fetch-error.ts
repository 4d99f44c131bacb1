// Why a fetch() failed, said so a person can act on it. undici's own message
// is always "fetch failed"; the reason is in its `cause` (a system error code
// such as ECONNREFUSED, or several of them when every address was tried).

/** The reason of a failed fetch: a system error code, "no answer within N s", or the underlying message. */
export function describeFetchError(error: unknown, timeoutMs?: number): string {
  const e = error as { name?: string; message?: string; cause?: unknown } | null | undefined;
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') {
    return timeoutMs === undefined ? 'no answer in time' : `no answer within ${timeoutMs / 1000} s`;
  }
  const cause = e?.cause as { code?: unknown; message?: unknown; errors?: unknown } | undefined;
  if (typeof cause?.code === 'string') return cause.code;
  if (Array.isArray(cause?.errors)) {
    const codes = [...new Set(cause.errors.map((c: { code?: unknown }) => c?.code).filter((c): c is string => typeof c === 'string'))];
    if (codes.length > 0) return codes.join(', ');
  }
  // undici refuses the Fetch standard's blocked ports before connecting (the collector refuses to listen on them).
  if (cause?.message === 'bad port') return 'a port fetch() refuses to connect to, a "bad port" of the Fetch standard: serve the collector on another port';
  if (typeof cause?.message === 'string' && cause.message !== '') return cause.message;
  return e?.message ?? String(error);
}
