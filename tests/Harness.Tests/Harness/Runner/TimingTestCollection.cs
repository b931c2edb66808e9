namespace Harness.Tests.Harness.Runner;

/// <summary>
/// Tests that assert send times run alone: beside CPU-bound tests on a 2-core machine, the thread pool can stall a
/// timer continuation for most of a second, which measures the test run, not the load generator.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TimingTestCollection
{
    public const string Name = "timing";
}
