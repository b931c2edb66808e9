using System.Globalization;
using System.Text;

namespace Harness.Engines.Llama.Tools.Benchmarks;

/// <summary>Everything <see cref="TensorParallelBenchmark"/> measured, with the conditions it measured under.</summary>
/// <param name="TorchPrefillTokensPerS">Median libtorch prefill of the unsplit model (the engine's prefill at size 1).</param>
internal sealed record TensorParallelBenchmarkResult(
    string Model,
    string Precision,
    string Cpu,
    int Cores,
    int Threads,
    string LoadBefore,
    string LoadAfter,
    int PromptTokens,
    int DecodeTokens,
    int Batch,
    int Repetitions,
    long WeightsBytes,
    double TorchPrefillTokensPerS,
    IReadOnlyList<TensorParallelBenchmarkRow> Rows)
{
    public string ToMarkdown()
    {
        var sb = new StringBuilder();
        IFormatProvider c = CultureInfo.InvariantCulture;
        TensorParallelBenchmarkRow? one = Rows.FirstOrDefault(r => r.Size == 1);
        sb.AppendLine(c, $"Model `{Model}` ({Precision}, {WeightsBytes / 1e6:F1} MB of weights), {Cpu}, {Threads} threads on {Cores} cores shared among the ranks, load average before {LoadBefore} / after {LoadAfter}.");
        sb.AppendLine(c, $"Batch {Batch} × prompt {PromptTokens} tokens, then {DecodeTokens} decode steps; medians of {Repetitions} interleaved repetitions. Every size prefills through the kernel decoder in chunks of 16 rows; libtorch prefill of the unsplit model (the engine's default at tp 1) ran at {TorchPrefillTokensPerS:F0} tok/s.");
        if (Rows.Any(r => r.Size > Threads))
        {
            sb.AppendLine(c, $"Sizes above {Threads} put more ranks than cores on the machine: ranks take turns, so those rows show the split's overhead, not its speed-up.");
        }

        sb.AppendLine();
        sb.AppendLine("| tp | threads per rank | weights per rank MB (largest) | prefill tok/s | vs tp 1 | decode tok/s | vs tp 1 (per repetition) | scaling efficiency |");
        sb.AppendLine("|---:|---|---:|---:|---:|---:|---:|---:|");
        foreach (TensorParallelBenchmarkRow r in Rows)
        {
            string threads = string.Join("/", r.Ranks.Select(s => s.Threads));
            string prefillRatio = one is null ? "-" : (r.PrefillTokensPerS / one.PrefillTokensPerS).ToString("F2", c) + "x";
            string decodeRatio = "-", efficiency = "-";
            if (one is not null)
            {
                double speedup = r.DecodeTokensPerS / one.DecodeTokensPerS;
                double[] perRep = [.. r.DecodePerRepetition.Zip(one.DecodePerRepetition, (a, b) => a / b)];
                decodeRatio = $"{speedup.ToString("F2", c)}x ({perRep.Min().ToString("F2", c)}-{perRep.Max().ToString("F2", c)})";
                efficiency = (speedup / r.Size * 100).ToString("F0", c) + "%";
            }

            sb.AppendLine(c, $"| {r.Size} | {threads} | {r.Ranks.Max(s => s.WeightBytes) / 1e6:F1} | {r.PrefillTokensPerS:F0} | {prefillRatio} | {r.DecodeTokensPerS:F2} | {decodeRatio} | {efficiency} |");
        }

        AppendBreakdown(sb, c, $"Decode, per step ({Batch} row(s))", r => r.Decode);
        AppendBreakdown(sb, c, "Prefill, per chunk of up to 16 rows", r => r.Prefill);
        return sb.ToString();
    }

    private void AppendBreakdown(StringBuilder sb, IFormatProvider c, string title, Func<TensorParallelBenchmarkRow, PhaseBreakdown> phase)
    {
        sb.AppendLine();
        sb.AppendLine(c, $"{title}: wall time, each rank's compute (mean over ranks and slowest), communication (summing partials, copying logits) and idle (waiting at collectives), in ms; imbalance = (slowest − mean compute) / slowest.");
        sb.AppendLine();
        sb.AppendLine("| tp | wall ms | compute ms mean / max | communication ms | idle ms | imbalance | all-reduces | KiB all-reduced | KiB of logits gathered |");
        sb.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (TensorParallelBenchmarkRow r in Rows)
        {
            PhaseBreakdown p = phase(r);
            sb.AppendLine(c, $"| {r.Size} | {p.WallMs:F2} | {p.MeanComputeMs:F2} / {p.MaxComputeMs:F2} | {p.CommunicationMs.Average():F3} | {p.IdleMs.Average():F2} | {p.ImbalancePercent:F1}% | {p.AllReduces:F0} | {p.AllReduceKiB:F1} | {p.GatherKiB:F1} |");
        }
    }
}
