namespace Harness.Engines;

/// <summary>What an engine can be asked to do, so scenarios can be checked before anything runs.</summary>
public sealed record EngineCapabilities(
    string Engine,
    string Device,
    IReadOnlyList<string> Precisions,
    IReadOnlyList<string> AttentionKinds,
    IReadOnlyList<string> BatchingModes,
    IReadOnlyList<int> TensorParallelSizes,
    int MaxContextTokens);
