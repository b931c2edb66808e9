using System.CommandLine;
using Harness.Runner;
using Harness.Scenarios;
using Spectre.Console;

namespace Harness.Cli;

/// <summary><c>run SCENARIO</c>: runs every variant of a scenario and writes a run directory (results and report).</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var scenario = new Argument<string>("scenario") { Description = "Scenario YAML file, e.g. scenarios/quickstart.yaml." };
        var output = new Option<string?>("--out", "-o") { Description = "Run directory to create (default: <results-dir>/<yyyyMMdd-HHmmss>-<scenario name>)." };
        var resultsDir = new Option<string>("--results-dir") { Description = "Parent of default run directories.", DefaultValueFactory = _ => "results" };
        var set = new Option<string[]>("--set") { Description = "Override a scenario value, path=value (the value is YAML), e.g. --set load.rate=2. Repeatable." };
        var quick = new Option<bool>("--quick") { Description = "Shrink the scenario (few short requests, one repetition) to finish in about a minute." };

        var command = new Command("run", "Run a benchmark scenario: every engine variant under the scenario's workload and load.");
        command.Arguments.Add(scenario);
        foreach (Option o in new Option[] { output, resultsDir, set, quick })
        {
            command.Options.Add(o);
        }

        command.SetAction((parse, cancel) => ExecuteAsync(
            parse.GetValue(scenario)!,
            parse.GetValue(output),
            parse.GetValue(resultsDir)!,
            parse.GetValue(set) ?? [],
            parse.GetValue(quick),
            cancel));
        return command;
    }

    /// <summary>Loads, runs, writes and summarises; returns the process exit code (0, 1 when a variant failed, 130 when interrupted).</summary>
    public static async Task<int> ExecuteAsync(string scenarioPath, string? outDir, string resultsDir, IReadOnlyList<string> overrides, bool quick, CancellationToken cancel)
    {
        Scenario scenario = ScenarioLoader.Load(scenarioPath, overrides, quick);
        string runDir = Path.GetFullPath(outDir ?? RunDirectory.DefaultPath(resultsDir, scenario.Name, DateTime.Now));
        if (Directory.Exists(runDir) || File.Exists(runDir))
        {
            throw new HarnessInputException($"output directory '{runDir}' already exists; pass another --out");
        }

        using var interrupt = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        void OnCancelKey(object? sender, ConsoleCancelEventArgs e)
        {
            // The first Ctrl+C stops the run and keeps the process alive to write what finished; a second one kills it.
            if (interrupt.IsCancellationRequested)
            {
                return;
            }

            e.Cancel = true;
            Console.Error.WriteLine("interrupt: stopping; finished requests will be written (Ctrl+C again to abort without writing)");
            interrupt.Cancel();
        }

        Console.CancelKeyPress += OnCancelKey;
        RunOutcome outcome;
        try
        {
            outcome = await RunWithProgressAsync(scenario, quick, interrupt.Token).ConfigureAwait(false);
        }
        finally
        {
            Console.CancelKeyPress -= OnCancelKey;
        }

        string? reportError = RunDirectory.Write(runDir, outcome, Console.Error);
        Console.WriteLine($"run directory: {runDir}");
        if (Console.IsOutputRedirected)
        {
            // Spectre assumes 80 columns when redirected, which folds every cell of the summary into slivers.
            AnsiConsole.Profile.Width = 200;
        }

        AnsiConsole.Write(RunSummaryTable.Build(outcome.Result));
        if (AccuracySummaryTable.Build(outcome.Result) is { } accuracy)
        {
            AnsiConsole.Write(accuracy);
            if (outcome.Result.Accuracy?.Error is { } referenceError)
            {
                Console.Error.WriteLine($"accuracy: {referenceError}");
            }
        }
        if (reportError is not null)
        {
            Console.Error.WriteLine($"error: the report could not be written ({reportError}); results are in {runDir}");
        }

        if (!outcome.Result.Complete)
        {
            return ExitCodes.Interrupted;
        }

        return reportError is null && outcome.Result.Variants.All(v => v.Error is null) ? ExitCodes.Success : ExitCodes.Failure;
    }

    private static async Task<RunOutcome> RunWithProgressAsync(Scenario scenario, bool quick, CancellationToken cancel)
    {
        bool live = !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;
        if (!live)
        {
            var runner = new ScenarioRunner(scenario, new ScenarioRunnerOptions { Quick = quick, Progress = new PlainRunProgress(Console.Out) });
            return await runner.RunAsync(cancel).ConfigureAwait(false);
        }

        IReadOnlyList<string> notes = [];
        RunOutcome outcome = await SpectreRunProgress.Create(AnsiConsole.Console).StartAsync(async context =>
        {
            var progress = new SpectreRunProgress(context);
            try
            {
                return await new ScenarioRunner(scenario, new ScenarioRunnerOptions { Quick = quick, Progress = progress }).RunAsync(cancel).ConfigureAwait(false);
            }
            finally
            {
                notes = progress.Notes;
            }
        }).ConfigureAwait(false);
        foreach (string note in notes)
        {
            Console.WriteLine(note);
        }

        return outcome;
    }
}
