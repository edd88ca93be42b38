import { BlockStack, Button, Collapsible, DataTable, InlineStack, Text } from "@shopify/polaris";
import { useId, useState } from "react";

export interface ChartPoint {
  /** "YYYY-MM-DD" */
  day: string;
  value: number | null;
}

const WIDTH = 640;
const HEIGHT = 200;
const PAD = { top: 12, right: 8, bottom: 24, left: 52 };
const LABELS_SHOWN = 6;
const dayLabel = new Intl.DateTimeFormat("en", { month: "short", day: "numeric", timeZone: "UTC" });

function labelOf(day: string): string {
  return dayLabel.format(new Date(`${day}T00:00:00Z`));
}

/** A round upper bound for the axis: 1, 2, 2.5 or 5 times a power of ten. */
function niceMax(value: number): number {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  const step = [1, 2, 2.5, 5, 10].find((m) => m * power >= value)!;
  return step * power;
}

/** What a screen reader hears of a chart: its days and its highest value. */
function chartSummary({
  title,
  points,
  format,
  unit,
}: {
  title: string;
  points: ChartPoint[];
  format: (value: number) => string;
  unit: string;
}): string {
  const known = points.filter((point) => point.value !== null);
  const best = known.reduce<ChartPoint | null>(
    (top, point) => (top === null || (point.value ?? 0) > (top.value ?? 0) ? point : top),
    null,
  );
  const first = points[0];
  const last = points[points.length - 1];
  if (!first || !last) return `No days to show.`;
  return (
    `${title}, ${labelOf(first.day)} to ${labelOf(last.day)}. ` +
    (best?.value
      ? `Highest: ${format(best.value)} ${unit} on ${labelOf(best.day)}.`
      : `No ${unit} in these days.`)
  );
}

/**
 * A day-by-day chart drawn as plain SVG (server-rendered, no chart library): bars for counts and
 * money, a line for rates. Screen readers get a summary, and every chart can be shown as a table.
 */
export function TimeChart({
  title,
  points,
  kind,
  format,
  unit,
}: {
  title: string;
  points: ChartPoint[];
  kind: "bar" | "line";
  format: (value: number) => string;
  /** what one value counts, for the summary: "impressions" */
  unit: string;
}) {
  const id = useId();
  const [showTable, setShowTable] = useState(false);
  const values = points.map((point) => point.value ?? 0);
  const max = niceMax(Math.max(0, ...values));
  const plotWidth = WIDTH - PAD.left - PAD.right;
  const plotHeight = HEIGHT - PAD.top - PAD.bottom;
  const slot = plotWidth / Math.max(points.length, 1);
  const x = (index: number) => PAD.left + slot * index + slot / 2;
  const y = (value: number) => PAD.top + plotHeight - (value / max) * plotHeight;
  const every = Math.max(1, Math.ceil(points.length / LABELS_SHOWN));
  const summary = chartSummary({ title, points, format, unit });
  const line = points
    .map((point, index) =>
      point.value === null ? null : `${x(index).toFixed(1)},${y(point.value).toFixed(1)}`,
    )
    .filter(Boolean)
    .join(" ");
  return (
    <BlockStack gap="200">
      <InlineStack align="space-between" blockAlign="center">
        <Text as="h3" variant="headingSm" id={`${id}-title`}>
          {title}
        </Text>
        <Button
          variant="plain"
          onClick={() => setShowTable((shown) => !shown)}
          ariaExpanded={showTable}
          ariaControls={`${id}-table`}
        >
          {showTable ? "Hide the table" : "Show as a table"}
        </Button>
      </InlineStack>
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        width="100%"
        role="img"
        aria-labelledby={`${id}-svg-title ${id}-desc`}
        style={{ display: "block", maxHeight: 240 }}
      >
        <title id={`${id}-svg-title`}>{title}</title>
        <desc id={`${id}-desc`}>{summary}</desc>
        {[0, 0.5, 1].map((share) => (
          <g key={share}>
            <line
              x1={PAD.left}
              x2={WIDTH - PAD.right}
              y1={y(max * share)}
              y2={y(max * share)}
              stroke="var(--p-color-border-secondary, #ebebeb)"
            />
            <text
              x={PAD.left - 6}
              y={y(max * share) + 4}
              textAnchor="end"
              fontSize="11"
              fill="var(--p-color-text-secondary, #616161)"
            >
              {format(max * share)}
            </text>
          </g>
        ))}
        {kind === "bar"
          ? points.map((point, index) =>
              point.value ? (
                <rect
                  key={point.day}
                  x={x(index) - (slot * 0.7) / 2}
                  y={y(point.value)}
                  width={Math.max(1, slot * 0.7)}
                  height={Math.max(0, PAD.top + plotHeight - y(point.value))}
                  rx={Math.min(3, slot * 0.2)}
                  fill="var(--p-color-bg-fill-info-active, #0094d5)"
                >
                  <title>{`${labelOf(point.day)}: ${format(point.value)} ${unit}`}</title>
                </rect>
              ) : null,
            )
          : null}
        {kind === "line" && line ? (
          <>
            <polyline
              points={line}
              fill="none"
              stroke="var(--p-color-bg-fill-success-active, #29845a)"
              strokeWidth="2"
            />
            {points.map((point, index) =>
              point.value === null ? null : (
                <circle
                  key={point.day}
                  cx={x(index)}
                  cy={y(point.value)}
                  r={points.length > 45 ? 1.5 : 3}
                  fill="var(--p-color-bg-fill-success-active, #29845a)"
                >
                  <title>{`${labelOf(point.day)}: ${format(point.value)}`}</title>
                </circle>
              ),
            )}
          </>
        ) : null}
        {points.map((point, index) =>
          index % every === 0 ? (
            <text
              key={point.day}
              x={x(index)}
              y={HEIGHT - 6}
              textAnchor="middle"
              fontSize="11"
              fill="var(--p-color-text-secondary, #616161)"
            >
              {labelOf(point.day)}
            </text>
          ) : null,
        )}
      </svg>
      <Collapsible id={`${id}-table`} open={showTable}>
        <DataTable
          columnContentTypes={["text", "numeric"]}
          headings={["Day", title]}
          rows={points.map((point) => [labelOf(point.day), point.value === null ? "–" : format(point.value)])}
        />
      </Collapsible>
    </BlockStack>
  );
}
