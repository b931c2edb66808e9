using System.Globalization;
using Harness.Metrics;
using Spectre.Console;

namespace Harness.Runner;

/// <summary>
/// One live progress bar per variant (done/total, elapsed, ETA) inside a Spectre.Console progress context. Lines noted
/// while the bars are live are kept and printed by the caller afterwards, so they do not tear the display.
/// </summary>
internal sealed class SpectreRunProgress : IRunProgress
{
    private readonly ProgressContext _context;
    private readonly List<string> _notes = [];

    public SpectreRunProgress(ProgressContext context) => _context = context;

    public IReadOnlyList<string> Notes
    {
        get
        {
            lock (_notes)
            {
                return [.. _notes];
            }
        }
    }

    public static Progress Create(IAnsiConsole console) => console.Progress()
        .AutoClear(false)
        .HideCompleted(false)
        .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn(), new SpinnerColumn());

    public IVariantProgress StartVariant(string name, int total)
    {
        ProgressTask task = _context.AddTask(Describe(name, 0, total), autoStart: true, maxValue: Math.Max(1, total));
        return new Variant(task, name, total, this);
    }

    public void Note(string line)
    {
        lock (_notes)
        {
            _notes.Add(line);
        }
    }

    private static string Describe(string name, int done, int total) =>
        Markup.Escape(string.Create(CultureInfo.InvariantCulture, $"{name} {done}/{total}"));

    private sealed class Variant(ProgressTask task, string name, int total, SpectreRunProgress owner) : IVariantProgress
    {
        private int _done;

        public void RequestDone(RequestRecord record)
        {
            int done = Interlocked.Increment(ref _done);
            task.Description = Describe(name, done, total);
            task.Increment(1);
        }

        public void Finish(string summary)
        {
            task.Value = task.MaxValue;
            task.StopTask();
            owner.Note($"[{name}] {summary}");
        }
    }
}
