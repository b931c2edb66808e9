using Harness.Engines;

namespace Harness.Results;

/// <summary>
/// What the engine reported about one variant (or sweep point) over all its load runs, warm-up included: request
/// events (joined to <c>requests.csv</c> by request id) and one sample per scheduler step. Times are Stopwatch ticks;
/// read back from a run directory they are relative to the <see cref="RunClock"/> origin, like the request records.
/// </summary>
internal sealed record VariantTelemetry(string Variant, IReadOnlyList<EngineRequestEvent> Events, IReadOnlyList<EngineStep> Steps)
{
    /// <summary>Groups file rows by variant, in order of first appearance (events first), keeping each file's row order.</summary>
    public static IReadOnlyList<VariantTelemetry> Group(IEnumerable<(string Variant, EngineRequestEvent Event)> events, IEnumerable<(string Variant, EngineStep Step)> steps)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(steps);
        var order = new List<string>();
        var byVariant = new Dictionary<string, (List<EngineRequestEvent> Events, List<EngineStep> Steps)>(StringComparer.Ordinal);
        (List<EngineRequestEvent> Events, List<EngineStep> Steps) Of(string variant)
        {
            if (!byVariant.TryGetValue(variant, out var lists))
            {
                lists = ([], []);
                byVariant[variant] = lists;
                order.Add(variant);
            }

            return lists;
        }

        foreach ((string variant, EngineRequestEvent e) in events)
        {
            Of(variant).Events.Add(e);
        }

        foreach ((string variant, EngineStep s) in steps)
        {
            Of(variant).Steps.Add(s);
        }

        return [.. order.Select(v => new VariantTelemetry(v, byVariant[v].Events, byVariant[v].Steps))];
    }
}
