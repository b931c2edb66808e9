using System.CommandLine;
using System.Text.Json;
using Harness.Cli;
using Harness.Results;
using Harness.Tests.Engines.Checkpoints;
using Harness.Tests.Harness.Results;

namespace Harness.Tests.Harness.Comparison;

public sealed class CompareCommandTests : IDisposable
{
    private readonly TempDir dir = new();
    private readonly string baseline;
    private readonly string regressed;
    private readonly string rerun;

    public CompareCommandTests()
    {
        baseline = Path.Combine(dir.Path, "baseline");
        regressed = Path.Combine(dir.Path, "regressed");
        rerun = Path.Combine(dir.Path, "rerun");
        string[] variants = ["fp32", "bf16"];
        var records = variants.SelectMany((v, i) => SampleRuns.Lognormal(v, 200, seed: 10 + i, warmup: 2)).ToList();
        ResultStore.Write(baseline, SampleRuns.Result(variants), records);
        ResultStore.Write(rerun, SampleRuns.Result(variants), records);

        // Only bf16 regresses: its latencies are 1.10x the baseline's.
        var worse = records.Where(r => r.Variant == "fp32").Concat(SampleRuns.Scaled(records.Where(r => r.Variant == "bf16"), 1.10)).ToList();
        ResultStore.Write(regressed, SampleRuns.Result(variants), worse);
    }

    public void Dispose() => dir.Dispose();

    [Fact]
    public async Task TextReportShowsEveryVariantAndVerdict()
    {
        (int code, string output, string error) = await Invoke("compare", baseline, regressed, "--resamples", "500");

        Assert.Equal(0, code);
        Assert.Contains("variant fp32: 200 vs 200 completed requests, 0 vs 0 failed", output, StringComparison.Ordinal);
        Assert.Contains("variant bf16", output, StringComparison.Ordinal);
        string bf16 = output[output.IndexOf("variant bf16", StringComparison.Ordinal)..];
        string ttftRow = bf16.Split('\n').First(l => l.TrimStart().StartsWith("ttft_ms.p50", StringComparison.Ordinal));
        Assert.Contains("+10.00%", ttftRow, StringComparison.Ordinal);
        Assert.EndsWith("worse", ttftRow.TrimEnd(), StringComparison.Ordinal);
        string fp32 = output[..output.IndexOf("variant bf16", StringComparison.Ordinal)];
        Assert.DoesNotContain(" worse", fp32, StringComparison.Ordinal);
        Assert.Equal(string.Empty, error);
    }

    [Fact]
    public async Task GateTripsWithExitCodeOneAndNamesTheGate()
    {
        (int code, _, string error) = await Invoke("compare", baseline, regressed, "--gate", "ttft_ms.p99:5", "--gate", "e2e_ms.p50:5", "--gate", "output_tokens_per_s:50", "--resamples", "500");

        Assert.Equal(ExitCodes.Failure, code);
        Assert.Contains("gate tripped [bf16]: e2e_ms.p50:5: significant regression", error, StringComparison.Ordinal);
        Assert.DoesNotContain("ttft_ms.p99:5", error, StringComparison.Ordinal);
        Assert.DoesNotContain("[fp32]", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GateWithinThresholdExitsZero()
    {
        (int code, string output, _) = await Invoke("compare", baseline, regressed, "--gate", "ttft_ms.p99:15", "--gate", "tpot_ms.p50:12", "--gate", "output_tokens_per_s:10", "--resamples", "500");

        Assert.Equal(ExitCodes.Success, code);
        Assert.Contains("tpot_ms.p50:12: significant but within 12%", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RerunPassesEveryGate()
    {
        (int code, string output, _) = await Invoke("compare", baseline, rerun, "--gate", "ttft_ms.p99:1", "--gate", "tpot_ms.p50:1", "--gate", "output_tokens_per_s:1", "--resamples", "500");

        Assert.Equal(ExitCodes.Success, code);
        Assert.DoesNotContain(" worse", output, StringComparison.Ordinal);
        Assert.DoesNotContain(" better", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task JsonIsOneMachineReadableObject()
    {
        (int code, string output, _) = await Invoke("compare", baseline, regressed, "--json", "--gate", "e2e_ms.p50:5", "--seed", "3", "--resamples", "300", "--confidence", "0.9");

        Assert.Equal(ExitCodes.Failure, code);
        using JsonDocument doc = JsonDocument.Parse(output);
        JsonElement root = doc.RootElement;
        Assert.Equal(1, root.GetProperty("exit_code").GetInt32());
        Assert.Equal(300, root.GetProperty("bootstrap").GetProperty("resamples").GetInt32());
        Assert.Equal(0.9, root.GetProperty("bootstrap").GetProperty("confidence").GetDouble());
        JsonElement bf16 = root.GetProperty("variants").EnumerateArray().Single(v => v.GetProperty("variant").GetString() == "bf16");
        JsonElement e2e = bf16.GetProperty("metrics").EnumerateArray().Single(m => m.GetProperty("metric").GetString() == "e2e_ms.p50");
        Assert.Equal("worse", e2e.GetProperty("result").GetProperty("verdict").GetString());
        Assert.Equal("lower_is_better", e2e.GetProperty("direction").GetString());
        Assert.Equal(0.10, e2e.GetProperty("result").GetProperty("relative_change").GetDouble(), 3);
        Assert.Equal("failed", root.GetProperty("gates").EnumerateArray().Single(g => g.GetProperty("variant").GetString() == "bf16").GetProperty("status").GetString());
    }

    [Fact]
    public async Task SeedMakesTheOutputDeterministic()
    {
        (_, string first, _) = await Invoke("compare", baseline, regressed, "--json", "--seed", "5", "--resamples", "200");
        (_, string second, _) = await Invoke("compare", baseline, regressed, "--json", "--seed", "5", "--resamples", "200");

        Assert.Equal(first, second);
    }

    [Fact]
    public async Task EnvironmentDifferenceIsOneWarningLine()
    {
        string other = Path.Combine(dir.Path, "other");
        RunData b = ResultStore.Load(rerun);
        ResultStore.Write(other, SampleRuns.Result(["fp32", "bf16"], cpu: "Other CPU", cores: 8), b.Records);

        (int code, _, string error) = await Invoke("compare", baseline, other, "--resamples", "200");

        Assert.Equal(0, code);
        string[] lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("warning: environments differ (cpu 'Test CPU @ 2 GHz' vs 'Other CPU', cores 2 vs 8)", lines[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownGateMetricListsValidNames()
    {
        var ex = await Assert.ThrowsAsync<HarnessInputException>(() => Invoke("compare", baseline, regressed, "--gate", "latency.p99:5"));

        Assert.Contains("unknown metric 'latency'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("ttft_ms", ex.Message, StringComparison.Ordinal);
        Assert.Contains("output_tokens_per_s", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProgramMapsBadInputToExitCodeTwo()
    {
        Assert.Equal(ExitCodes.UsageError, await Program.Main(["compare", baseline, regressed, "--gate", "latency.p99:5"]));
        Assert.Equal(ExitCodes.UsageError, await Program.Main(["compare", baseline, Path.Combine(dir.Path, "missing")]));
        Assert.Equal(ExitCodes.UsageError, await Program.Main(["compare", baseline, regressed, "--resamples", "10"]));
    }

    [Fact]
    public async Task PairComparesTwoVariantsOfOneRunUnderAHeadingNamingBoth()
    {
        string run = OneRunWithASlowVariant();

        (int code, string output, string error) = await Invoke("compare", run, run, "--pair", "fast:slow", "--pair", "fast:same", "--resamples", "500");

        Assert.Equal(0, code);
        Assert.Equal(string.Empty, error);
        Assert.Contains("variants fast (baseline) vs slow (candidate): 200 vs 200 completed requests, 0 vs 0 failed", output, StringComparison.Ordinal);
        Assert.Contains("variants fast (baseline) vs same (candidate): 200 vs 200 completed requests, 0 vs 0 failed", output, StringComparison.Ordinal);
        Assert.DoesNotContain("only in", output, StringComparison.Ordinal);
        string slow = output[output.IndexOf("vs slow", StringComparison.Ordinal)..output.IndexOf("vs same", StringComparison.Ordinal)];
        string ttftRow = slow.Split('\n').First(l => l.TrimStart().StartsWith("ttft_ms.p50", StringComparison.Ordinal));
        Assert.Contains("+100.00%", ttftRow, StringComparison.Ordinal);
        Assert.EndsWith("worse", ttftRow.TrimEnd(), StringComparison.Ordinal);
        string same = output[output.IndexOf("vs same", StringComparison.Ordinal)..];
        Assert.DoesNotContain(" worse", same, StringComparison.Ordinal);
        Assert.DoesNotContain(" better", same, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PairGatesAndJsonNameBothVariants()
    {
        string run = OneRunWithASlowVariant();

        (int code, string output, string error) = await Invoke("compare", run, run, "--pair", "fast:slow", "--json", "--gate", "ttft_ms.p50:50", "--resamples", "300");

        Assert.Equal(ExitCodes.Failure, code);
        Assert.StartsWith("gate tripped [fast:slow]: ttft_ms.p50:50: significant regression +100.00%", error, StringComparison.Ordinal);
        using JsonDocument doc = JsonDocument.Parse(output);
        JsonElement v = doc.RootElement.GetProperty("variants").EnumerateArray().Single();
        Assert.Equal(("fast", "slow"), (v.GetProperty("variant").GetString(), v.GetProperty("candidate_variant").GetString()));
        Assert.Equal("fast:slow", doc.RootElement.GetProperty("gates").EnumerateArray().Single().GetProperty("variant").GetString());
    }

    [Fact]
    public async Task WithoutPairTheJsonHasNoCandidateVariant()
    {
        (_, string output, _) = await Invoke("compare", baseline, regressed, "--json", "--resamples", "200");

        using JsonDocument doc = JsonDocument.Parse(output);
        Assert.All(doc.RootElement.GetProperty("variants").EnumerateArray(), v => Assert.False(v.TryGetProperty("candidate_variant", out _)));
    }

    [Fact]
    public async Task AnUnknownPairedVariantIsExitCodeTwoAndOneLine()
    {
        string run = OneRunWithASlowVariant();

        var ex = await Assert.ThrowsAsync<HarnessInputException>(() => Invoke("compare", run, run, "--pair", "fast:sloww"));

        Assert.Equal($"--pair 'fast:sloww': no variant 'sloww' in {run} (it has fast, slow, same)", ex.Message);
        Assert.Equal(ExitCodes.UsageError, await Program.Main(["compare", run, run, "--pair", "fast:sloww"]));
        Assert.Equal(ExitCodes.UsageError, await Program.Main(["compare", run, run, "--pair", "fast-slow"]));
    }

    /// <summary>A run of "fast", "slow" (every latency 2x fast's) and "same" (fast's records renamed).</summary>
    private string OneRunWithASlowVariant()
    {
        string run = Path.Combine(dir.Path, "one-run");
        ResultStore.Write(run, SampleRuns.Result(["fast", "slow", "same"]), SampleRuns.FastSlowSame());
        return run;
    }

    private static async Task<(int Code, string Output, string Error)> Invoke(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        ParseResult parse = CommandLineBuilder.Build().Parse(args);
        Assert.Empty(parse.Errors);
        int code = await parse.InvokeAsync(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
        return (code, output.ToString(), error.ToString());
    }
}
