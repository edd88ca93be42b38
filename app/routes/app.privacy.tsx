import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";

import { z } from "zod";
import { AdminPage, PageColumns } from "~/components/admin-page";
import { PageError } from "~/components/page-error";
import { DataRequestsCard } from "~/components/privacy/data-requests-card";
import { EraseCustomerCard } from "~/components/privacy/erase-customer-card";
import { StoredDataCards } from "~/components/privacy/stored-data-cards";
import { db } from "~/db.server";
import { env } from "~/env.server";
import { isAppError } from "~/lib/errors";
import { eraseCustomerByOrder } from "~/services/erase-customer.server";
import { listCustomerDataRequests } from "~/services/privacy.server";
import { shopify } from "~/shopify.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const { session } = await shopify().authenticate.admin(request);
  const dataRequests = await listCustomerDataRequests(db(), session.shop);
  return { dataRequests, modelsKept: env().MODEL_ARTIFACTS_KEPT };
}

const EraseSchema = z.object({
  intent: z.literal("erase"),
  orderNumber: z.string().trim().min(1, "Enter an order number").max(64, "That is not an order number"),
});

export async function action({ request }: ActionFunctionArgs) {
  const { session } = await shopify().authenticate.admin(request);
  const parsed = EraseSchema.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return { ok: false, message: parsed.error.issues[0]!.message };
  try {
    const erased = await eraseCustomerByOrder(db(), {
      shopDomain: session.shop,
      orderNumber: parsed.data.orderNumber,
    });
    return {
      ok: true,
      message: erased.customerKnown
        ? `Erased the customer of order ${parsed.data.orderNumber}: ${erased.deletedOrders} orders, with their offer events. The next model is trained without them.`
        : `Order ${parsed.data.orderNumber} was a guest checkout; that order was erased.`,
    };
  } catch (error) {
    if (isAppError(error)) return { ok: false, message: error.message };
    throw error;
  }
}

export default function Privacy() {
  const { dataRequests, modelsKept } = useLoaderData<typeof loader>();
  const aside = (
    <>
      <DataRequestsCard dataRequests={dataRequests} />
      <EraseCustomerCard />
    </>
  );
  return (
    <AdminPage
      title="Data and privacy"
      subtitle="What the app keeps about your shop and your customers, and for how long"
    >
      <PageColumns aside={aside}>
        <StoredDataCards modelsKept={modelsKept} />
      </PageColumns>
    </AdminPage>
  );
}

export function ErrorBoundary() {
  return <PageError title="Data and privacy" />;
}
