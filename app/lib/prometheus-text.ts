/**
 * Prometheus's text exposition format (version 0.0.4) for the families an operator scrape computes
 * on the spot (queues, jobs, live models); the request metrics come rendered by prom-client.
 */
export interface Sample {
  /** appended to the family's name: "_bucket", "_sum", "_count" for a histogram's series */
  suffix?: string;
  labels?: Record<string, string>;
  value: number;
}

export interface Family {
  name: string;
  help: string;
  type: "gauge" | "counter" | "histogram";
  samples: Sample[];
}

export const PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

export function formatFamilies(families: readonly Family[]): string {
  return families.map(formatFamily).join("");
}

function formatFamily({ name, help, type, samples }: Family): string {
  const lines = [`# HELP ${name} ${escapeHelp(help)}`, `# TYPE ${name} ${type}`];
  for (const { suffix = "", labels = {}, value } of samples) {
    const pairs = Object.entries(labels).map(([label, text]) => `${label}="${escapeLabel(text)}"`);
    lines.push(`${name}${suffix}${pairs.length > 0 ? `{${pairs.join(",")}}` : ""} ${formatValue(value)}`);
  }
  return `${lines.join("\n")}\n`;
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Number.POSITIVE_INFINITY) return "+Inf";
  if (value === Number.NEGATIVE_INFINITY) return "-Inf";
  return String(value);
}

function escapeHelp(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
}

function escapeLabel(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

/**
 * A histogram's samples from cumulative bucket counts (one per upper bound, in order), its sum and
 * count, each with `labels`; the +Inf bucket is the count.
 */
export function histogramSamples(
  bounds: readonly number[],
  cumulative: readonly number[],
  { sum, count, labels = {} }: { sum: number; count: number; labels?: Record<string, string> },
): Sample[] {
  return [
    ...bounds.map((bound, b) => ({
      suffix: "_bucket",
      labels: { ...labels, le: String(bound) },
      value: cumulative[b] ?? 0,
    })),
    { suffix: "_bucket", labels: { ...labels, le: "+Inf" }, value: count },
    { suffix: "_sum", labels, value: sum },
    { suffix: "_count", labels, value: count },
  ];
}
