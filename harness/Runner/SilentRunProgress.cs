using Harness.Metrics;

namespace Harness.Runner;

/// <summary>Reports nothing (tests, embedding).</summary>
internal sealed class SilentRunProgress : IRunProgress, IVariantProgress
{
    public static SilentRunProgress Instance { get; } = new();

    public IVariantProgress StartVariant(string name, int total) => this;

    public void Note(string line)
    {
    }

    public void RequestDone(RequestRecord record)
    {
    }

    public void Finish(string summary)
    {
    }
}
