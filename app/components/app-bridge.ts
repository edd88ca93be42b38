import { useEffect, useState } from "react";

/**
 * Whether App Bridge runs the page: inside the Shopify admin, the mobile app or POS. Outside them
 * (the local demo in a plain browser tab) its script is missing or has no Shopify host to talk to,
 * and its elements (the navigation menu, the resource picker) do nothing.
 */
export function appBridgeRuns(): boolean {
  const bridge = (globalThis as { shopify?: { environment?: Record<string, unknown> } }).shopify;
  const environment = bridge?.environment;
  return Boolean(environment?.embedded || environment?.mobile || environment?.pos);
}

/**
 * appBridgeRuns, decided after the page mounts: null on the server and in the first render, so the
 * server's HTML and the hydrated page always agree.
 */
export function useAppBridge(): boolean | null {
  const [runs, setRuns] = useState<boolean | null>(null);
  useEffect(() => setRuns(appBridgeRuns()), []);
  return runs;
}
