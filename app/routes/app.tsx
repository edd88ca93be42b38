import type { HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Link, Outlet, useLoaderData, useNavigation, useRouteError } from "@remix-run/react";
import { NavMenu } from "@shopify/app-bridge-react";
import polarisStyles from "@shopify/polaris/build/esm/styles.css?url";
import { AppProvider } from "@shopify/shopify-app-remix/react";
import { boundary } from "@shopify/shopify-app-remix/server";
import { useEffect } from "react";
import { env } from "~/env.server";
import { shopify } from "~/shopify.server";

export const links = () => [{ rel: "stylesheet", href: polarisStyles }];

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
      <NavMenu>
        <Link to="/app" rel="home">
          Home
        </Link>
        <Link to="/app/performance">Performance</Link>
        <Link to="/app/models">Models</Link>
        <Link to="/app/preview">Preview offers</Link>
        <Link to="/app/settings">Settings</Link>
        <Link to="/app/privacy">Data and privacy</Link>
      </NavMenu>
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
