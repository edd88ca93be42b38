import { Link, useLocation } from "@remix-run/react";
import { NavMenu } from "@shopify/app-bridge-react";
import { useAppBridge } from "./app-bridge";
import { useEmbeddedHref } from "./embedded";

/**
 * The bar's look, in Polaris's tokens. Inline, as it renders only where App Bridge does not run: a
 * stylesheet of its own would be one more request on every page load inside Shopify too.
 */
const LOCAL_NAV_STYLE = `
.local-nav {
  background: var(--p-color-bg-surface);
  border-block-end: var(--p-border-width-025) solid var(--p-color-border);
  padding: var(--p-space-200) 0;
  font-family: var(--p-font-family-sans);
}

.local-nav ul {
  display: flex;
  flex-wrap: wrap;
  gap: var(--p-space-100);
  box-sizing: border-box;
  /* Polaris's page: the links line up with the page's title. */
  max-width: 62.375rem;
  margin: 0 auto;
  padding: 0 var(--p-space-600);
  list-style: none;
}

.local-nav a {
  display: inline-block;
  padding: var(--p-space-150) var(--p-space-300);
  border-radius: var(--p-border-radius-200);
  color: var(--p-color-text-secondary);
  font-size: var(--p-font-size-325);
  line-height: var(--p-font-line-height-500);
  font-weight: var(--p-font-weight-medium);
  text-decoration: none;
}

.local-nav a:hover {
  background: var(--p-color-bg-fill-transparent-hover);
  color: var(--p-color-text);
}

.local-nav a:focus-visible {
  outline: var(--p-border-width-050) solid var(--p-color-border-focus);
  outline-offset: var(--p-space-025);
}

.local-nav a[aria-current="page"] {
  background: var(--p-color-bg-fill-transparent-selected);
  color: var(--p-color-text);
  font-weight: var(--p-font-weight-semibold);
}
`;

export interface NavItem {
  path: string;
  label: string;
}

/** Whether a navigation item is the page shown: the home only at its own path, others with their subpages. */
function isCurrent(item: NavItem, pathname: string, home: string): boolean {
  const path = pathname.replace(/\/+$/, "") || "/";
  return item.path === home ? path === home : path === item.path || path.startsWith(`${item.path}/`);
}

/**
 * The app's navigation: App Bridge's menu in the Shopify admin's sidebar, or, where App Bridge does
 * not run (a plain browser tab), a bar of links at the top of the page. Both keep the embedded
 * query (shop, host, session token) on every link, so the page behind it authenticates.
 */
export function AppNavigation({ items, home }: { items: NavItem[]; home: string }) {
  const appBridge = useAppBridge();
  const href = useEmbeddedHref();
  const { pathname } = useLocation();
  if (appBridge === null) return null;
  if (appBridge) {
    return (
      <NavMenu>
        {items.map((item) => (
          <Link key={item.path} to={item.path} rel={item.path === home ? "home" : undefined}>
            {item.label}
          </Link>
        ))}
      </NavMenu>
    );
  }
  return (
    <nav className="local-nav" aria-label="App pages">
      <style>{LOCAL_NAV_STYLE}</style>
      <ul>
        {items.map((item) => {
          const current = isCurrent(item, pathname, home);
          return (
            <li key={item.path}>
              <Link to={href(item.path)} aria-current={current ? "page" : undefined} prefetch="intent">
                {item.label}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
