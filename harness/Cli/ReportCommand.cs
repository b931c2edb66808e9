using System.CommandLine;
using Harness.Reports;
using Harness.Results;

namespace Harness.Cli;

/// <summary><c>report RUN_DIR</c>: re-renders a run directory's report (markdown, charts, HTML) from its result files.</summary>
internal static class ReportCommand
{
    public static Command Create()
    {
        var runDir = new Argument<string>("run-dir") { Description = "A run directory written by 'run' (holds result.json and requests.csv)." };
        var command = new Command("report", "Re-render report.md, the charts and index.html of a run directory from its result.json and requests.csv.");
        command.Arguments.Add(runDir);
        command.SetAction(parse =>
        {
            string dir = parse.GetValue(runDir)!;
            if (!Directory.Exists(dir))
            {
                throw new HarnessInputException($"run directory not found: {dir}");
            }

            RunData data = ResultStore.Load(dir);
            foreach (string path in RunReport.WriteAll(dir, data.Result, data.Records, data.Telemetry))
            {
                Console.WriteLine(path);
            }

            return ExitCodes.Success;
        });
        return command;
    }
}
