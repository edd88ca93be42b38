/** The admin's number and date formats: English, dates in UTC as the reports count days. */
export const count = new Intl.NumberFormat("en");
export const dateFormat = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeZone: "UTC" });
export const dateTimeFormat = new Intl.DateTimeFormat("en", {
  dateStyle: "medium",
  timeStyle: "short",
  timeZone: "UTC",
});
