import { useLocation } from "@remix-run/react";
import { useCallback, useMemo } from "react";

const EMBEDDED_PARAMS = ["embedded", "shop", "host", "id_token", "locale"] as const;

/**
 * The embedded admin's own query parameters. Links, forms and fetches keep them, so a request made
 * without App Bridge's session token header (a new tab, a test browser) still authenticates.
 */
export function useEmbeddedParams(): Array<[string, string]> {
  const { search } = useLocation();
  return useMemo(() => {
    const params = new URLSearchParams(search);
    return EMBEDDED_PARAMS.flatMap((name) => {
      const value = params.get(name);
      return value === null ? [] : [[name, value] as [string, string]];
    });
  }, [search]);
}

/** Builds app addresses that keep the embedded parameters: `href("/app/models", { tab: "runs" })`. */
export function useEmbeddedHref(): (path: string, extra?: Record<string, string>) => string {
  const embedded = useEmbeddedParams();
  return useCallback(
    (path, extra = {}) => {
      const params = new URLSearchParams(embedded);
      for (const [key, value] of Object.entries(extra)) if (value) params.set(key, value);
      const query = params.toString();
      return query ? `${path}?${query}` : path;
    },
    [embedded],
  );
}

/** Hidden inputs carrying the embedded parameters, for GET forms (which replace the query). */
export function EmbeddedFields() {
  const embedded = useEmbeddedParams();
  return (
    <>
      {embedded.map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
    </>
  );
}
