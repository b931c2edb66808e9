using System.Diagnostics;

namespace Harness.Metrics;

/// <summary>
/// Latencies derived from one <see cref="RequestRecord"/>, in milliseconds. Definitions follow metrics.md: latencies
/// start when the request was scheduled to be sent, so client and engine queueing count.
/// </summary>
/// <param name="QueueWaitMs">Engine compute start - scheduled; null when the engine does not report compute start.</param>
/// <param name="TtftMs">First token - scheduled; null without tokens.</param>
/// <param name="E2eMs">Last token (or completion when no token came) - scheduled.</param>
/// <param name="TpotMs">(E2E - TTFT) / (out - 1), first token excluded (vLLM TPOT, GuideLLM ITL); null when out &lt; 2.</param>
/// <param name="TpotInclFirstMs">E2E / out, first token included (GuideLLM's TPOT); null when out &lt; 1.</param>
/// <param name="ItlMs">Gaps between consecutive token timestamps (vLLM ITL); empty with fewer than 2 tokens.</param>
internal sealed record RequestMetrics(double? QueueWaitMs, double? TtftMs, double E2eMs, double? TpotMs, double? TpotInclFirstMs, double[] ItlMs)
{
    private static readonly double MsPerTick = 1000.0 / Stopwatch.Frequency;

    public static double TicksToMs(long ticks) => ticks * MsPerTick;

    public static RequestMetrics From(RequestRecord r)
    {
        ArgumentNullException.ThrowIfNull(r);
        long[] t = r.TokenTimes;
        double? queue = r.ComputeStartAt is long cs ? TicksToMs(cs - r.ScheduledAt) : null;
        double? ttft = t.Length > 0 ? TicksToMs(t[0] - r.ScheduledAt) : null;
        double e2e = TicksToMs((t.Length > 0 ? t[^1] : r.CompletedAt) - r.ScheduledAt);

        // The engine's token count divides, not the number of streamed timestamps: a chunk may carry several tokens.
        int outTokens = r.OutputTokens;
        double? tpot = outTokens >= 2 && ttft is double first ? (e2e - first) / (outTokens - 1) : null;
        double? tpotIncl = outTokens >= 1 && t.Length > 0 ? e2e / outTokens : null;
        double[] itl = t.Length >= 2 ? new double[t.Length - 1] : [];
        for (int i = 0; i < itl.Length; i++)
        {
            itl[i] = TicksToMs(t[i + 1] - t[i]);
        }

        return new RequestMetrics(queue, ttft, e2e, tpot, tpotIncl, itl);
    }
}
