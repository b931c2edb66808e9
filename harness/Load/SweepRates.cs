namespace Harness.Load;

/// <summary>
/// The Poisson rates of a sweep, GuideLLM-style: <c>steps</c> rates evenly spaced strictly between the single-stream
/// rate (no queueing) and the saturated (offline) rate, so the curve runs from idle to overloaded.
/// </summary>
internal static class SweepRates
{
    public static IReadOnlyList<double> Between(double singleStreamRate, double saturatedRate, int steps)
    {
        if (steps <= 0 || !(singleStreamRate > 0) || !(saturatedRate > 0) || !double.IsFinite(singleStreamRate) || !double.IsFinite(saturatedRate))
        {
            return [];
        }

        // A serial engine saturates at about its single-stream rate, and noise can put one below the other.
        double low = Math.Min(singleStreamRate, saturatedRate);
        double high = Math.Max(singleStreamRate, saturatedRate);
        return [.. Enumerable.Range(1, steps).Select(k => low + (high - low) * k / (steps + 1))];
    }
}
