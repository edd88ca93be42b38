import { Link, useLocation } from "@remix-run/react";
import { NavMenu } from "@shopify/app-bridge-react";
import { useAppBridge } from "./app-bridge";
import { useEmbeddedHref } from "./embedded";

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
