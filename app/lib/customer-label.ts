const day = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeZone: "UTC" });

/**
 * How the admin names a customer: only a keyed hash is stored, so its start, with what they bought
 * and when, e.g. "Customer 3f2a9c… · 12 orders · last Dec 5, 2011".
 */
export function customerLabel({
  customerKey,
  orders,
  lastOrderAt,
}: {
  customerKey: string;
  orders: number;
  lastOrderAt: Date | string | null;
}): string {
  const count = `${orders} ${orders === 1 ? "order" : "orders"}`;
  const last = lastOrderAt ? ` · last ${day.format(new Date(lastOrderAt))}` : "";
  return `Customer ${customerKey.slice(0, 6)}… · ${count}${last}`;
}

export function formatDay(date: Date | string): string {
  return day.format(new Date(date));
}
