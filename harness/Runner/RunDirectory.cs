using Harness.Reports;
using Harness.Results;

namespace Harness.Runner;

/// <summary>
/// Writes a run directory atomically: everything goes into a hidden sibling (<c>.NAME.partial</c>) that is renamed to
/// NAME at the end, so a reader never sees a half-written run and a crash leaves no directory that looks complete.
/// </summary>
internal static class RunDirectory
{
    /// <summary>Writes result files and reports, then moves them into <paramref name="runDir"/>.</summary>
    /// <returns>The report error message when only the report failed (results were still written and moved), else null.</returns>
    /// <exception cref="HarnessInputException"><paramref name="runDir"/> already exists.</exception>
    public static string? Write(string runDir, RunOutcome outcome, TextWriter log)
    {
        runDir = Path.GetFullPath(runDir);
        if (Directory.Exists(runDir) || File.Exists(runDir))
        {
            throw new HarnessInputException($"output directory '{runDir}' already exists; pass another --out");
        }

        ArgumentNullException.ThrowIfNull(outcome);
        ArgumentNullException.ThrowIfNull(log);

        string parent = Path.GetDirectoryName(runDir) ?? throw new HarnessInputException($"output directory '{runDir}' has no parent");
        string partial = PartialPath(runDir);
        Directory.CreateDirectory(parent);
        if (Directory.Exists(partial))
        {
            // Left by a run that died while writing; it was never a finished run.
            Directory.Delete(partial, recursive: true);
        }

        Directory.CreateDirectory(partial);
        try
        {
            ResultStore.Write(partial, outcome.Result, outcome.Records, outcome.Telemetry);
        }
        catch
        {
            log.WriteLine($"results could not be written; what was written is kept in {partial}");
            throw;
        }

        string? reportError = null;
        try
        {
            RunReport.WriteAll(partial, outcome.Result, outcome.Records, outcome.Telemetry);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The measurements are safe in result.json and the CSV files; a report can be regenerated from them.
            reportError = $"{ex.GetType().Name}: {ex.Message}";
        }

        Directory.Move(partial, runDir);
        return reportError;
    }

    public static string PartialPath(string runDir)
    {
        string full = Path.GetFullPath(runDir).TrimEnd(Path.DirectorySeparatorChar);
        return Path.Combine(Path.GetDirectoryName(full) ?? ".", "." + Path.GetFileName(full) + ".partial");
    }

    /// <summary>Default run directory: <c>RESULTS/yyyyMMdd-HHmmss-NAME</c>, with the name made safe for a path.</summary>
    public static string DefaultPath(string resultsDir, string scenarioName, DateTime now)
    {
        char[] bad = Path.GetInvalidFileNameChars();
        string safe = new([.. scenarioName.Select(c => bad.Contains(c) || char.IsWhiteSpace(c) ? '-' : c)]);
        return Path.Combine(resultsDir, $"{now:yyyyMMdd-HHmmss}-{safe}");
    }
}
