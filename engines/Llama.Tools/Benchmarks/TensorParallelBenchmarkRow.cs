using Harness.Engines;

namespace Harness.Engines.Llama.Tools.Benchmarks;

/// <summary>One tensor-parallel size as <see cref="TensorParallelBenchmark"/> measured it.</summary>
/// <param name="PrefillTokensPerS">Median over repetitions (kernel prefill, in chunks of 16 rows).</param>
/// <param name="DecodeTokensPerS">Median over repetitions, all sequences of the batch together.</param>
internal sealed record TensorParallelBenchmarkRow(
    int Size,
    RankShardInfo[] Ranks,
    double PrefillTokensPerS,
    double DecodeTokensPerS,
    double[] PrefillPerRepetition,
    double[] DecodePerRepetition,
    PhaseBreakdown Decode,
    PhaseBreakdown Prefill);
