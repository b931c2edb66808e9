namespace Harness.Engines.Llama.Tools.Benchmarks;

/// <summary>
/// One precision's medians (and the raw samples behind them) from <see cref="RuntimeBenchmark"/>.
/// <see cref="FractionOfRoofline"/> is the median over repetitions of decode speed / roofline of that repetition.
/// </summary>
internal sealed record RuntimeBenchmarkRow(
    string Precision,
    long WeightsBytes,
    long BytesReadPerToken,
    double PrefillTokensPerS,
    double DecodeTokensPerS,
    double TorchDecodeTokensPerS,
    double RooflineTokensPerS,
    double FractionOfRoofline,
    double GemvOnlyFractionOfRoofline,
    double AchievedGBps,
    double FusedLongPrefillMs,
    double UnfusedLongPrefillMs,
    double[] PrefillSamples,
    double[] DecodeSamples,
    double[] TorchDecodeSamples,
    double[] FractionSamples,
    IReadOnlyDictionary<int, double> BatchDecodeTokensPerS);
