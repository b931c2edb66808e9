using System.CommandLine;
using Harness.Comparison;
using Harness.Results;
using Harness.Statistics;

namespace Harness.Cli;

/// <summary>
/// <c>compare RUN_A RUN_B</c>: every common variant's latency percentiles and rates, with bootstrap intervals over
/// the per-request records and a verdict; <c>--pair BASELINE:CANDIDATE</c> compares named variants instead (two of one
/// run with <c>compare R R</c>); <c>--gate</c> turns a significant regression into exit code 1.
/// </summary>
internal static class CompareCommand
{
    public static Command Create()
    {
        var baseline = new Argument<string>("baseline") { Description = "Baseline run directory (A)." };
        var candidate = new Argument<string>("candidate") { Description = "Candidate run directory (B); changes are (B - A) / A." };
        var gates = new Option<string[]>("--gate")
        {
            Description = "METRIC:PCT, repeatable: exit 1 when METRIC is significantly worse by more than PCT % in any compared variant, e.g. ttft_ms.p99:10, output_tokens_per_s:5.",
            DefaultValueFactory = _ => [],
        };
        var pairs = new Option<string[]>("--pair")
        {
            HelpName = "BASELINE:CANDIDATE",
            Description = "Repeatable: compare variant BASELINE of the baseline run with variant CANDIDATE of the candidate run, whatever their names, and only the pairs listed; give one run directory twice to compare its variants with each other, e.g. compare R R --pair none:continuous.",
            DefaultValueFactory = _ => [],
        };
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of text." };
        var seed = new Option<int>("--seed") { Description = "Bootstrap seed (same inputs and seed, same intervals).", DefaultValueFactory = _ => BootstrapOptions.Default.Seed };
        var resamples = new Option<int>("--resamples") { Description = "Bootstrap resamples per metric.", DefaultValueFactory = _ => BootstrapOptions.Default.Resamples };
        var confidence = new Option<double>("--confidence") { Description = "Confidence level of the intervals.", DefaultValueFactory = _ => BootstrapOptions.Default.Confidence };

        var command = new Command("compare", "Compare two run directories, or the variants of one: per-variant changes with bootstrap confidence intervals, and regression gates.");
        command.Arguments.Add(baseline);
        command.Arguments.Add(candidate);
        foreach (Option o in new Option[] { pairs, gates, json, seed, resamples, confidence })
        {
            command.Options.Add(o);
        }

        command.SetAction(parse => Run(
            parse.GetValue(baseline)!,
            parse.GetValue(candidate)!,
            parse.GetValue(gates) ?? [],
            parse.GetValue(json),
            parse.GetValue(pairs) ?? [],
            new BootstrapOptions(parse.GetValue(resamples), parse.GetValue(confidence), parse.GetValue(seed)),
            parse.InvocationConfiguration.Output,
            parse.InvocationConfiguration.Error));
        return command;
    }

    /// <summary>Loads both runs, compares, prints; returns the exit code. Bad input throws <see cref="HarnessInputException"/>.</summary>
    public static int Run(
        string baselineDir,
        string candidateDir,
        IReadOnlyList<string> gateSpecs,
        bool json,
        IReadOnlyList<string> pairs,
        BootstrapOptions options,
        TextWriter output,
        TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(gateSpecs);
        ArgumentNullException.ThrowIfNull(pairs);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);

        // Gates are parsed before the runs are read, so a typo in CI fails at once with the list of valid names.
        GateSpec[] gates = [.. gateSpecs.Select(RegressionGate.Parse)];
        RunData a = ResultStore.Load(baselineDir);
        RunData b = ResultStore.Load(candidateDir);
        RunComparison comparison = RunComparer.Compare(a, b, gates, options, pairs);
        foreach (string warning in comparison.Warnings)
        {
            error.WriteLine($"warning: {warning}");
        }

        if (json)
        {
            output.WriteLine(ComparisonJson.Serialize(comparison));
        }
        else
        {
            ComparisonText.Write(output, comparison);
        }

        foreach (GateOutcome g in comparison.Gates.Where(g => g.Status != GateStatus.Passed))
        {
            error.WriteLine(g.Status == GateStatus.Failed ? $"gate tripped [{g.Variant}]: {g.Reason}" : $"gate not judged [{g.Variant}]: {g.Reason}");
        }

        return comparison.ExitCode;
    }
}
