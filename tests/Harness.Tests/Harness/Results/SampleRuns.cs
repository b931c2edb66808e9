using System.Diagnostics;
using Harness.Engines;
using Harness.Metrics;
using Harness.Results;

namespace Harness.Tests.Harness.Results;

/// <summary>Synthetic run results and request records for result-store and comparison tests.</summary>
internal static class SampleRuns
{
    /// <summary>An arbitrary Stopwatch reading: record times are absolute, like the runner's.</summary>
    public const long Origin = 987_654_321_012L;

    public static long Ticks(double ms) => (long)Math.Round(ms * Stopwatch.Frequency / 1000.0);

    public static RunResult Result(
        IReadOnlyList<string> variants,
        Slo? slo = null,
        string cpu = "Test CPU @ 2 GHz",
        int cores = 2,
        bool complete = true)
    {
        var percentiles = new LatencySummary(200, 100.5, 150.25, 160, 190.125, 210, 110, 20.5);
        var empty = new LatencySummary(0, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);
        return new RunResult(
            RunResult.CurrentSchemaVersion,
            "nightly",
            "scenarios/nightly.yaml",
            "a \"quoted\" description, with commas",
            new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.FromHours(1)),
            new DateTimeOffset(2025, 1, 2, 3, 7, 5, TimeSpan.FromHours(1)),
            complete,
            false,
            ulong.MaxValue,
            "preset:smollm2-135m",
            "llama",
            "synthetic: input uniform 16..48, output 6",
            "poisson 1.4 rps",
            slo,
            new RunEnvironment(cpu, cores, 8L << 30, "Debian 12", "10.0.0", new Dictionary<string, string> { ["TorchSharp"] = "0.107.0" }, null, "0.10 0.20 0.30"),
            [.. variants.Select(v => new VariantResult(
                v,
                new Dictionary<string, string> { ["precision"] = v, ["attention"] = "fused" },
                "poisson 1.4 rps",
                new VariantSummary(percentiles, percentiles, percentiles, percentiles, empty, 12.5, 40.25, 1.4, slo is null ? null : 1.3, slo is null ? null : 0.95, 200, 199, 1, 4, 142.5),
                new VariantMemory(538_000_000, 1 << 20, 1 << 19, 900_000_000),
                0.25,
                [new EarlyStoppingVerdict("ttft_ms", 0.99, null, 199, 2, 459, false, null)],
                null))],
            MetricDefinitions.All,
            ["warm-up excluded"]);
    }

    /// <summary>
    /// A single-stream, closed-loop run of one variant: each request is scheduled when the previous one completed;
    /// TTFT and every inter-token gap are lognormal draws (medians 100 ms and 40 ms) times <paramref name="latencyScale"/>.
    /// </summary>
    public static List<RequestRecord> Lognormal(string variant, int requests, int seed, double latencyScale = 1.0, int outputTokens = 16, int warmup = 0)
    {
        var rng = new Random(seed);
        var records = new List<RequestRecord>();
        double now = 0;
        for (int i = 0; i < warmup + requests; i++)
        {
            double scheduled = now;
            double t = scheduled + latencyScale * Draw(rng, 100, 0.25);
            double computeStart = scheduled + (t - scheduled) * 0.1;
            var tokens = new List<long>();
            for (int k = 0; k < outputTokens; k++)
            {
                if (k > 0)
                {
                    t += latencyScale * Draw(rng, 40, 0.2);
                }

                tokens.Add(Origin + Ticks(t));
            }

            records.Add(new RequestRecord(
                $"{variant}-{i}",
                variant,
                0,
                i < warmup,
                Origin + Ticks(scheduled),
                Origin + Ticks(scheduled + 0.05),
                Origin + Ticks(computeStart),
                [.. tokens],
                Origin + Ticks(t + 0.2),
                32,
                outputTokens,
                FinishReason.Length,
                null));
            now = t + 0.2;
        }

        return records;
    }

    /// <summary>
    /// One run's records of three variants drawn with one seed: "fast"; "slow", fast's records with every time from
    /// the origin doubled (every latency exactly 2x, the run twice as long); "same", fast's records under another name.
    /// </summary>
    public static List<RequestRecord> FastSlowSame(int requests = 200, int seed = 21) =>
        [.. Lognormal("fast", requests, seed), .. Scaled(Lognormal("slow", requests, seed), 2.0), .. Lognormal("same", requests, seed)];

    public static List<RequestRecord> Scaled(IEnumerable<RequestRecord> records, double factor) =>
        [.. records.Select(r => r with
        {
            SentAt = Origin + (long)((r.SentAt - Origin) * factor),
            ComputeStartAt = r.ComputeStartAt is long cs ? Origin + (long)((cs - Origin) * factor) : null,
            TokenTimes = [.. r.TokenTimes.Select(t => Origin + (long)((t - Origin) * factor))],
            ScheduledAt = Origin + (long)((r.ScheduledAt - Origin) * factor),
            CompletedAt = Origin + (long)((r.CompletedAt - Origin) * factor),
        })];

    private static double Draw(Random rng, double median, double sigma)
    {
        // Box-Muller: 1 - NextDouble() is in (0, 1], so the log is finite.
        double z = Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
        return median * Math.Exp(sigma * z);
    }
}
