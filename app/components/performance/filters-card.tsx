import { Form, useNavigation } from "@remix-run/react";
import { Button, Card, InlineStack, Select, TextField } from "@shopify/polaris";
import { useState } from "react";
import { EmbeddedFields } from "~/components/embedded";
import { SURFACES } from "~/lib/offers";
import { RANGE_PRESETS, type ReportQuery } from "~/lib/report-window";
import { SURFACE_NAMES } from "./labels";

const RANGE_OPTIONS = RANGE_PRESETS.map((preset) => ({ label: preset.label, value: preset.value }));
const SURFACE_OPTIONS = [
  { label: "Everywhere", value: "all" },
  ...SURFACES.map((value) => ({ label: SURFACE_NAMES[value] ?? value, value })),
];

/** The report's days and place, sent as a GET form so the address keeps them. */
export function FiltersCard({ query, first, last }: { query: ReportQuery; first: string; last: string }) {
  const navigation = useNavigation();
  const [range, setRange] = useState<string>(query.range);
  const [from, setFrom] = useState(query.from || first);
  const [to, setTo] = useState(query.to || last);
  const [surface, setSurface] = useState<string>(query.surface);
  return (
    <Card>
      <Form method="get">
        <EmbeddedFields />
        <InlineStack gap="300" blockAlign="end" wrap>
          <Select label="Days" name="range" options={RANGE_OPTIONS} value={range} onChange={setRange} />
          {range === "custom" ? (
            <>
              <TextField
                label="From"
                type="date"
                name="from"
                value={from}
                onChange={setFrom}
                autoComplete="off"
              />
              <TextField label="To" type="date" name="to" value={to} onChange={setTo} autoComplete="off" />
            </>
          ) : null}
          <Select
            label="Where"
            name="surface"
            options={SURFACE_OPTIONS}
            value={surface}
            onChange={setSurface}
          />
          <Button submit loading={navigation.state === "loading"}>
            Apply
          </Button>
        </InlineStack>
      </Form>
    </Card>
  );
}
