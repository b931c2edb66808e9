namespace Harness.Engines.Llama.Model;

/// <summary>Llama 3.x frequency-dependent RoPE scaling (config.json <c>rope_scaling</c> with rope_type "llama3").</summary>
public sealed record RopeScaling(
    double Factor,
    double LowFreqFactor,
    double HighFreqFactor,
    int OriginalMaxPositions);
