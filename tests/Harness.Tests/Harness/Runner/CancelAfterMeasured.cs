using Harness.Metrics;
using Harness.Runner;

namespace Harness.Tests.Harness.Runner;

/// <summary>A progress sink that stands in for Ctrl+C: it cancels once <c>count</c> measured requests have completed.</summary>
internal sealed class CancelAfterMeasured(CancellationTokenSource cts, int count) : IRunProgress, IVariantProgress
{
    private int _measured;

    public IVariantProgress StartVariant(string name, int total) => this;

    public void Note(string line)
    {
    }

    public void RequestDone(RequestRecord record)
    {
        if (!record.IsWarmup && Interlocked.Increment(ref _measured) == count)
        {
            cts.Cancel();
        }
    }

    public void Finish(string summary)
    {
    }
}
