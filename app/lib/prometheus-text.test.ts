import { describe, expect, it } from "vitest";
import { formatFamilies, histogramSamples } from "./prometheus-text";

describe("Prometheus text", () => {
  it("writes each family's help, type and samples, escaping label values", () => {
    const text = formatFamilies([
      {
        name: "cua_live",
        help: "Live models.\nOne per shop",
        type: "gauge",
        samples: [{ value: 3 }, { labels: { shop: 'odd"shop\\' }, value: 1.5 }],
      },
    ]);
    expect(text).toBe(
      [
        "# HELP cua_live Live models.\\nOne per shop",
        "# TYPE cua_live gauge",
        "cua_live 3",
        'cua_live{shop="odd\\"shop\\\\"} 1.5',
        "",
      ].join("\n"),
    );
  });

  it("gives a histogram its buckets, the +Inf bucket, sum and count", () => {
    const samples = histogramSamples([1, 5], [2, 3], { sum: 7.5, count: 4, labels: { queue: "train" } });
    const text = formatFamilies([{ name: "cua_job_seconds", help: "h", type: "histogram", samples }]);
    expect(text.split("\n").slice(2, -1)).toEqual([
      'cua_job_seconds_bucket{queue="train",le="1"} 2',
      'cua_job_seconds_bucket{queue="train",le="5"} 3',
      'cua_job_seconds_bucket{queue="train",le="+Inf"} 4',
      'cua_job_seconds_sum{queue="train"} 7.5',
      'cua_job_seconds_count{queue="train"} 4',
    ]);
  });
});
