namespace Harness.Engines.Llama.Tools.Benchmarks;

/// <summary>The median of a benchmark's repetitions (NaN when there are none).</summary>
public static class SampleMedian
{
    public static double Of(IEnumerable<double> values)
    {
        double[] sorted = [.. values.Order()];
        int n = sorted.Length;
        return n == 0 ? double.NaN : n % 2 == 1 ? sorted[n / 2] : (sorted[(n / 2) - 1] + sorted[n / 2]) / 2;
    }
}
