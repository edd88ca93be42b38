import { isRouteErrorResponse, useRouteError } from "@remix-run/react";
import { Banner, BlockStack, Button, Layout, Text } from "@shopify/polaris";
import { boundary } from "@shopify/shopify-app-remix/server";
import { AdminPage } from "./admin-page";

/**
 * A page's error state inside the admin: Shopify's own responses (session bounces, redirects out of
 * the frame) are rendered as Shopify needs; anything else becomes a banner with a way to retry,
 * leaving the navigation in place.
 */
export function PageError({ title }: { title: string }) {
  const error = useRouteError();
  if (isRouteErrorResponse(error) && error.status !== 404 && error.status < 500) return boundary.error(error);
  const notFound = isRouteErrorResponse(error) && error.status === 404;
  return (
    <AdminPage title={title}>
      <Layout>
        <Layout.Section>
          <Banner tone="critical" title={notFound ? "Not found" : "This page could not be loaded"}>
            <BlockStack gap="200">
              <Text as="p">
                {notFound
                  ? "What this page shows does not exist (any more)."
                  : "Something went wrong on our side. Your data is safe; try again in a moment."}
              </Text>
              <div>
                <Button onClick={() => window.location.reload()}>Try again</Button>
              </div>
            </BlockStack>
          </Banner>
        </Layout.Section>
      </Layout>
    </AdminPage>
  );
}
