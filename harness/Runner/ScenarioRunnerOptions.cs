using Harness.Engines;
using Harness.Results;

namespace Harness.Runner;

/// <summary>How a <see cref="ScenarioRunner"/> runs; every member has a default for the CLI.</summary>
internal sealed record ScenarioRunnerOptions
{
    /// <summary>Progress display; silent by default.</summary>
    public IRunProgress Progress { get; init; } = SilentRunProgress.Instance;

    /// <summary>The engines variants may name; <see cref="EngineRegistry.Default"/> unless a test adds its own.</summary>
    public EngineRegistry Registry { get; init; } = EngineRegistry.Default;

    /// <summary>The scenario was shrunk by <c>--quick</c>; recorded in the result.</summary>
    public bool Quick { get; init; }

    /// <summary>The environment to record; probed at the start of the run when null.</summary>
    public RunEnvironment? Environment { get; init; }
}
