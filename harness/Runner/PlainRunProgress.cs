using System.Diagnostics;
using System.Globalization;
using Harness.Metrics;

namespace Harness.Runner;

/// <summary>
/// Progress as plain lines, for logs and redirected output where a live bar would leave escape codes: about ten lines
/// per variant with done/total and an ETA from the rate so far.
/// </summary>
internal sealed class PlainRunProgress : IRunProgress
{
    private readonly TextWriter _out;
    private readonly Lock _lock = new();

    public PlainRunProgress(TextWriter output) => _out = output;

    public IVariantProgress StartVariant(string name, int total)
    {
        Write($"[{name}] started: {total} requests");
        return new Variant(this, name, total);
    }

    public void Note(string line) => Write(line);

    private void Write(string line)
    {
        lock (_lock)
        {
            _out.WriteLine(line);
            _out.Flush();
        }
    }

    private sealed class Variant(PlainRunProgress owner, string name, int total) : IVariantProgress
    {
        private readonly long _start = Stopwatch.GetTimestamp();
        private readonly int _step = Math.Max(1, total / 10);
        private int _done;

        public void RequestDone(RequestRecord record)
        {
            int done = Interlocked.Increment(ref _done);
            if (done % _step != 0 && done != total)
            {
                return;
            }

            double elapsed = Stopwatch.GetElapsedTime(_start).TotalSeconds;
            double eta = done < total ? elapsed / done * (total - done) : 0;
            owner.Write(string.Create(CultureInfo.InvariantCulture, $"[{name}] {done}/{total} elapsed {elapsed:F0} s, eta {eta:F0} s{(record.Error is { } e ? " (last error: " + e + ")" : string.Empty)}"));
        }

        public void Finish(string summary) => owner.Write($"[{name}] {summary}");
    }
}
