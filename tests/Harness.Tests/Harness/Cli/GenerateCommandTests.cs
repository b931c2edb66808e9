using System.Diagnostics;
using System.Text.Json;

namespace Harness.Tests.Harness.Cli;

/// <summary><c>generate</c> takes engine options as <c>--set key=value</c>, parsed by the same schema as a scenario's.</summary>
public sealed class GenerateCommandTests
{
    [Fact]
    public async Task Set_precision_builds_the_same_variant_a_scenario_option_does()
    {
        (int fp32Code, string fp32, _) = await Harness("generate", "--model", "preset:tiny", "--prompt-ids", "1,2,3,4", "-n", "4", "--json", "--set", "threads=1");
        (int int4Code, string int4, _) = await Harness("generate", "--model", "preset:tiny", "--prompt-ids", "1,2,3,4", "-n", "4", "--json", "--set", "precision=int4", "--set", "threads=1");

        Assert.Equal((0, 0), (fp32Code, int4Code));
        using JsonDocument a = JsonDocument.Parse(fp32);
        using JsonDocument b = JsonDocument.Parse(int4);
        Assert.Equal(("fp32", "int4"), (a.RootElement.GetProperty("precision").GetString(), b.RootElement.GetProperty("precision").GetString()));
        Assert.Equal("int4", b.RootElement.GetProperty("options").GetProperty("precision").GetString());
        Assert.Equal("32", b.RootElement.GetProperty("options").GetProperty("group_size").GetString());

        // Int4 stores 4 bits per weight plus one fp32 scale per 32 (4.5 bits), fp32 stores 32; norms stay fp32, so the
        // ratio sits between 32/4.5 = 7.1 (all matrices) and 1 (no matrices): it must show a real quantised model.
        double ratio = a.RootElement.GetProperty("weights_bytes").GetDouble() / b.RootElement.GetProperty("weights_bytes").GetDouble();
        Assert.InRange(ratio, 3, 32 / 4.5);
    }

    [Theory]
    [InlineData("precision=int5", "error: option 'precision': 'int5' is not one of fp32, bf16, fp16, int8, int8-dynamic, int4")]
    [InlineData("kv_layot=paged", "error: engine 'llama' has no option 'kv_layot'")]
    [InlineData("precision", "error: --set 'precision': expected key=value")]
    public async Task A_bad_set_is_one_line_and_exit_code_two(string set, string message)
    {
        (int code, _, string error) = await Harness("generate", "--model", "preset:tiny", "--prompt-ids", "1,2", "--set", set);

        Assert.Equal(2, code);
        Assert.StartsWith(message, error.Trim(), StringComparison.Ordinal);
        Assert.Single(error.Trim().Split('\n'));
    }

    // The CLI as a user runs it, in its own process (commands write to the console).
    private static async Task<(int Code, string Out, string Err)> Harness(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "harness.dll"));
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using Process process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output, await error);
    }
}
