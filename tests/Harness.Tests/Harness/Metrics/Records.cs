using System.Diagnostics;
using Harness.Engines;
using Harness.Metrics;

namespace Harness.Tests.Harness.Metrics;

/// <summary>Builds request records from millisecond timestamps.</summary>
internal static class Records
{
    public static long Ticks(double ms) => (long)Math.Round(ms * Stopwatch.Frequency / 1000.0);

    public static RequestRecord Make(
        double scheduledMs,
        double[] tokenMs,
        string variant = "v",
        bool warmup = false,
        double? computeStartMs = null,
        int input = 10,
        int? output = null,
        FinishReason finish = FinishReason.Length,
        string? error = null,
        string id = "r") =>
        new(
            id,
            variant,
            0,
            warmup,
            Ticks(scheduledMs),
            Ticks(scheduledMs),
            computeStartMs is double cs ? Ticks(cs) : null,
            [.. tokenMs.Select(Ticks)],
            Ticks(tokenMs.Length > 0 ? tokenMs[^1] : scheduledMs + 1),
            input,
            output ?? tokenMs.Length,
            finish,
            error);
}
