using Harness.Cli;
using Harness.Results;
using Harness.Tests.Harness.Results;
using Spectre.Console;
using static Harness.Tests.Harness.Reports.TensorParallelTestData;

namespace Harness.Tests.Harness.Cli;

public sealed class RunSummaryTableTests
{
    [Fact]
    public void ATpColumnShowsSizeAndDecodeStepOnlyWhenAVariantIsSplit()
    {
        RunResult plain = SampleRuns.Result(["tp2", "tp4", "plain"]);
        RunResult parallel = plain with
        {
            Variants = [plain.Variants[0] with { TensorParallel = Profile(2, 2, 25.5) }, plain.Variants[1] with { TensorParallel = Profile(4, 2, 50) }, plain.Variants[2]],
        };

        string with = Render(parallel);
        string without = Render(plain);

        Assert.Contains("tp (decode ms/step)", with, StringComparison.Ordinal);
        Assert.Contains("2 (25.50)", with, StringComparison.Ordinal);
        Assert.Contains("4 > 2 cores (50.00)", with, StringComparison.Ordinal);
        Assert.DoesNotContain("tp (decode", without, StringComparison.Ordinal);
    }

    [Fact]
    public void ProfilesOfSizeOneEverywhereGetNoTpColumn()
    {
        RunResult plain = SampleRuns.Result(["a", "b"]);
        RunResult single = plain with { Variants = [.. plain.Variants.Select(v => v with { TensorParallel = Profile(1, 2, 12.5) })] };

        Assert.DoesNotContain("tp (decode", Render(single), StringComparison.Ordinal);
    }

    private static string Render(RunResult result)
    {
        using var writer = new StringWriter();
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(writer), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors });
        console.Profile.Width = 250;
        console.Write(RunSummaryTable.Build(result));
        return writer.ToString();
    }
}
