namespace Harness.Engines;

/// <summary>How the next token is chosen from the logits. Temperature 0 means greedy (argmax).</summary>
/// <param name="Temperature">Softmax temperature; 0 selects the argmax.</param>
/// <param name="TopK">Keep only the K most likely tokens; 0 keeps all.</param>
/// <param name="TopP">Keep the smallest set whose probability mass reaches P; 1 keeps all.</param>
/// <param name="Seed">Seed of the request's own random generator, so sampled runs repeat exactly.</param>
public sealed record SamplingParams(double Temperature = 0, int TopK = 0, double TopP = 1, ulong Seed = 0)
{
    public static SamplingParams Greedy { get; } = new();

    public bool IsGreedy => Temperature <= 0;
}
