import type { HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Outlet, useLoaderData, useNavigation, useRouteError } from "@remix-run/react";
import polarisStyles from "@shopify/polaris/build/esm/styles.css?url";
import { AppProvider } from "@shopify/shopify-app-remix/react";
import { boundary } from "@shopify/shopify-app-remix/server";
import { useEffect } from "react";
import { AppNavigation, type NavItem } from "~/components/app-navigation";
import { env } from "~/env.server";
import { shopify } from "~/shopify.server";

export const links = () => [{ rel: "stylesheet", href: polarisStyles }];

const NAVIGATION: NavItem[] = [
  { path: "/app", label: "Home" },
  { path: "/app/performance", label: "Performance" },
  { path: "/app/segments", label: "Segments" },
  { path: "/app/models", label: "Models" },
  { path: "/app/preview", label: "Preview offers" },
  { path: "/app/settings", label: "Settings" },
  { path: "/app/privacy", label: "Data and privacy" },
];

export async function loader({ request }: LoaderFunctionArgs) {
  await shopify().authenticate.admin(request);
  return { apiKey: env().SHOPIFY_API_KEY };
}

/** While a page loads, the admin shows its loading bar (through App Bridge, inside the admin). */
function AdminLoadingBar() {
  const loading = useNavigation().state === "loading";
  useEffect(() => {
    (globalThis as { shopify?: { loading?(on: boolean): void } }).shopify?.loading?.(loading);
  }, [loading]);
  return null;
}

export default function EmbeddedApp() {
  const { apiKey } = useLoaderData<typeof loader>();
  return (
    <AppProvider isEmbeddedApp apiKey={apiKey}>
      <AppNavigation items={NAVIGATION} home="/app" />
      <AdminLoadingBar />
      <Outlet />
    </AppProvider>
  );
}

// Shopify needs its own error and header handling inside the admin iframe.
export function ErrorBoundary() {
  return boundary.error(useRouteError());
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
