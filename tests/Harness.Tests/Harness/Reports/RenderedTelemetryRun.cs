using Harness.Engines;
using Harness.Metrics;
using Harness.Reports;
using Harness.Results;
using static Harness.Tests.Harness.Reports.RunBuilder;

namespace Harness.Tests.Harness.Reports;

/// <summary>
/// A run where the engine of variant "paged" reported telemetry and "plain" did not, rendered once for
/// <see cref="EngineTelemetryReportTests"/>. "paged" has 12 requests 200 ms apart; every third one is preempted after
/// its third token at +200 ms and recomputed from +300 to +400 ms before it decodes again. Its KV cache samples every
/// 10 ms: used grows to 40 MiB, 48 MiB allocated, 64 MiB capacity.
/// </summary>
public sealed class RenderedTelemetryRun : RenderedReport
{
    public const long MiB = 1 << 20;

    public RenderedTelemetryRun()
    {
        (List<RequestRecord> paged, VariantTelemetry telemetry) = Paged();
        List<RequestRecord> plain = Synthetic("plain", 12, prefillMs: 40, tpotMs: 20, tokens: 6, seed: 4);
        RunResult built = new RunBuilder().Add("paged", paged).Add("plain", plain).Build();
        Kv = new KvCacheSummary("paged", 16, 36864, 64 * MiB, 40 * MiB, 48 * MiB, 37.5, 16.75, 4, 0.3, telemetry.Steps.Count, 2.5);
        Result = built with { Variants = [built.Variants[0] with { Kv = Kv }, built.Variants[1]] };
        Records = [.. paged, .. plain];
        Telemetry = telemetry;
        Render(Result, Records, [telemetry]);
    }

    internal RunResult Result { get; }

    internal KvCacheSummary Kv { get; }

    internal IReadOnlyList<RequestRecord> Records { get; }

    internal VariantTelemetry Telemetry { get; }

    /// <summary>Requests and the engine events that explain them: prefill 1020-1060 ms after scheduling, then one decode step per 20 ms.</summary>
    internal static (List<RequestRecord> Records, VariantTelemetry Telemetry) Paged()
    {
        var records = new List<RequestRecord>();
        var events = new List<EngineRequestEvent>();
        int step = 0;
        for (int i = 0; i < 12; i++)
        {
            double t0 = 1000 + (i * 200);
            string id = $"paged/r0/{i}";
            bool preempted = i % 3 == 0;
            var tokens = new List<double>();
            events.Add(Event(id, EngineEventKind.Queued, t0 + 5, t0 + 5, -1));
            events.Add(Event(id, EngineEventKind.Prefill, t0 + 20, t0 + 60, step));
            tokens.Add(t0 + 60);
            double t = t0 + 60;
            for (int k = 1; k < 6; k++)
            {
                if (preempted && k == 3)
                {
                    events.Add(Event(id, EngineEventKind.Preempted, t, t, step));
                    step += 5;
                    events.Add(Event(id, EngineEventKind.Recompute, t0 + 300, t0 + 400, step));
                    t = t0 + 400;
                }

                events.Add(Event(id, EngineEventKind.Decode, t, t + 20, ++step));
                t += 20;
                tokens.Add(t);
            }

            events.Add(Event(id, EngineEventKind.Finished, t, t, -1));
            records.Add(Request(id, "paged", t0, t0 + 1, t0 + 20, [.. tokens]));
        }

        var steps = new List<EngineStep>();
        for (int s = 0; s < 340; s++)
        {
            double start = 1000 + (s * 10);
            long used = (long)(40 * MiB * (0.25 + (0.75 * s / 339.0)));
            long allocated = Math.Min(48 * MiB, ((used / (4 * MiB)) + 1) * 4 * MiB);
            steps.Add(new EngineStep(s, Ticks(start), Ticks(start + 10), 2, s % 10 == 0 ? 32 : 0, 3, 1, used, allocated, 64 * MiB));
        }

        return (records, new VariantTelemetry("paged", events, steps));
    }

    private static EngineRequestEvent Event(string id, EngineEventKind kind, double startMs, double endMs, int step) =>
        new(id, kind, Ticks(startMs), Ticks(endMs), step, kind is EngineEventKind.Prefill or EngineEventKind.Recompute ? 32 : 0);
}
