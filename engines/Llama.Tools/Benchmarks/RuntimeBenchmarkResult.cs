using System.Globalization;
using System.Text;
using Harness.Engines.Llama.Kernels;

namespace Harness.Engines.Llama.Tools.Benchmarks;

/// <summary>Everything <see cref="RuntimeBenchmark"/> measured, with the conditions it measured under.</summary>
internal sealed record RuntimeBenchmarkResult(
    string Model,
    string Cpu,
    int Cores,
    int Threads,
    string LoadBefore,
    string LoadAfter,
    MemoryBandwidth Bandwidth,
    double[] ReadGBpsPerRepetition,
    int PromptTokens,
    int DecodeTokens,
    int AttentionPrefillTokens,
    int Repetitions,
    int AttentionRepetitions,
    IReadOnlyList<RuntimeBenchmarkRow> Rows)
{
    public string ToMarkdown()
    {
        var sb = new StringBuilder();
        IFormatProvider c = CultureInfo.InvariantCulture;
        sb.AppendLine(c, $"Model `{Model}`, {Cpu}, {Threads} of {Cores} cores, load average before {LoadBefore} / after {LoadAfter}.");
        sb.AppendLine(c, $"Memory bandwidth (this machine, {Bandwidth.Repetitions} runs, {Bandwidth.ArrayBytes >> 20} MiB arrays): read {Bandwidth.ReadMedianGBps:F1} GB/s median (best {Bandwidth.ReadBestGBps:F1}), triad {Bandwidth.TriadMedianGBps:F1} GB/s median.");
        sb.AppendLine(c, $"Read bandwidth re-measured in each repetition: {string.Join(", ", ReadGBpsPerRepetition.Select(g => g.ToString("F1", c)))} GB/s.");
        sb.AppendLine(c, $"Prompt {PromptTokens} tokens, then {DecodeTokens} decode tokens; medians of {Repetitions} interleaved repetitions. Roofline = read bandwidth / weight bytes read per token; % of roofline is the median over repetitions of decode speed against that repetition's bandwidth; \"GEMVs alone\" times only the step's matrix-vector products over the same weights.");
        sb.AppendLine();
        sb.AppendLine("| precision | weights MB | read/token MB | prefill tok/s | decode tok/s (kernels) | decode tok/s (libtorch) | roofline tok/s | % of roofline | GEMVs alone, % of roofline | achieved GB/s |");
        sb.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (RuntimeBenchmarkRow r in Rows)
        {
            sb.AppendLine(c, $"| {r.Precision} | {r.WeightsBytes / 1e6:F1} | {r.BytesReadPerToken / 1e6:F1} | {r.PrefillTokensPerS:F0} | {r.DecodeTokensPerS:F1} | {r.TorchDecodeTokensPerS:F1} | {r.RooflineTokensPerS:F1} | {r.FractionOfRoofline * 100:F0}% | {r.GemvOnlyFractionOfRoofline * 100:F0}% | {r.AchievedGBps:F1} |");
        }

        if (Rows.Any(r => r.BatchDecodeTokensPerS.Count > 0))
        {
            int[] sizes = [.. Rows.SelectMany(r => r.BatchDecodeTokensPerS.Keys).Distinct().Order()];
            sb.AppendLine();
            sb.AppendLine("Batched decode (B sequences stepped together by the kernels, aggregate tok/s, median; in parentheses the speed-up over B = 1):");
            sb.AppendLine();
            sb.AppendLine("| precision | " + string.Join(" | ", sizes.Select(b => $"B = {b}")) + " |");
            sb.AppendLine("|---|" + string.Concat(sizes.Select(_ => "---:|")));
            foreach (RuntimeBenchmarkRow r in Rows)
            {
                double one = r.BatchDecodeTokensPerS.GetValueOrDefault(1, double.NaN);
                string cells = string.Join(" | ", sizes.Select(b => r.BatchDecodeTokensPerS.TryGetValue(b, out double t) ? t.ToString("F1", c) + " (" + (t / one).ToString("F2", c) + "x)" : "-"));
                sb.AppendLine(c, $"| {r.Precision} | {cells} |");
            }
        }

        if (AttentionPrefillTokens > 0)
        {
            sb.AppendLine();
            sb.AppendLine(c, $"Attention on a {AttentionPrefillTokens}-token prefill (whole model, libtorch, median of {AttentionRepetitions} ms):");
            sb.AppendLine();
            sb.AppendLine("| precision | fused ms | unfused ms | unfused / fused |");
            sb.AppendLine("|---|---:|---:|---:|");
            foreach (RuntimeBenchmarkRow r in Rows)
            {
                sb.AppendLine(c, $"| {r.Precision} | {r.FusedLongPrefillMs:F0} | {r.UnfusedLongPrefillMs:F0} | {r.UnfusedLongPrefillMs / r.FusedLongPrefillMs:F2}x |");
            }
        }

        return sb.ToString();
    }
}
