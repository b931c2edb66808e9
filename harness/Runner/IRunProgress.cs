namespace Harness.Runner;

/// <summary>Where the runner reports progress: a live bar on a terminal, plain lines in a log, nothing in tests.</summary>
internal interface IRunProgress
{
    /// <summary>A variant (or sweep point) starts; <paramref name="total"/> counts warm-up and measured requests.</summary>
    IVariantProgress StartVariant(string name, int total);

    /// <summary>A line worth showing (engine build failed, limit hit).</summary>
    void Note(string line);
}
