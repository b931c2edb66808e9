namespace Harness.Engines.Llama.Tools.Training;

/// <summary>
/// Everything that decides what <see cref="Trainer"/> produces: model shape, tokenizer size, data order, optimiser and
/// schedule. A checkpoint stores these, and a resumed run takes them from it, so it continues the same run.
/// </summary>
internal sealed record TrainOptions
{
    public int Steps { get; init; } = 3000;

    /// <summary>Sequences per step.</summary>
    public int Batch { get; init; } = 16;

    /// <summary>Tokens per training sequence; also the model's context (max_position_embeddings).</summary>
    public int SeqLen { get; init; } = 256;

    public int Dim { get; init; } = 128;

    public int Layers { get; init; } = 4;

    public int Heads { get; init; } = 4;

    public int KvHeads { get; init; } = 2;

    /// <summary>SwiGLU inner width; 0 = the Llama rule (8/3 of dim, rounded up to a multiple of 32).</summary>
    public int Hidden { get; init; }

    /// <summary>BPE merges learned on top of the 256 byte tokens and bos/eos.</summary>
    public int Merges { get; init; } = 766;

    public double Lr { get; init; } = 3e-3;

    /// <summary>The cosine schedule ends at Lr times this.</summary>
    public double MinLrRatio { get; init; } = 0.1;

    public int WarmupSteps { get; init; } = 100;

    public double WeightDecay { get; init; } = 0.1;

    /// <summary>Largest global gradient norm; larger gradients are scaled down to it.</summary>
    public double ClipNorm { get; init; } = 1.0;

    public ulong Seed { get; init; } = 1;

    public int CheckpointEvery { get; init; } = 200;

    public int HiddenSize => Hidden > 0 ? Hidden : (((Dim * 8 / 3) + 31) / 32) * 32;

    /// <summary>Throws <see cref="EngineException"/> naming the first option out of range.</summary>
    public TrainOptions Validate()
    {
        Require(Steps >= 1, "--steps must be at least 1");
        Require(Batch >= 1, "--batch must be at least 1");
        Require(SeqLen >= 2, "--seq-len must be at least 2");
        Require(Heads >= 1 && Dim % Heads == 0 && (Dim / Heads) % 2 == 0, $"--dim ({Dim}) must split into --heads ({Heads}) of an even width");
        Require(KvHeads >= 1 && Heads % KvHeads == 0, $"--kv-heads ({KvHeads}) must divide --heads ({Heads})");
        Require(Layers >= 1, "--layers must be at least 1");
        Require(Merges >= 0, "--merges must not be negative");
        Require(Lr > 0 && MinLrRatio is >= 0 and <= 1, "--lr must be positive and --min-lr-ratio within [0, 1]");
        Require(WarmupSteps >= 0 && CheckpointEvery >= 1, "--warmup must not be negative and --checkpoint-every must be at least 1");
        return this;
    }

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new EngineException(message);
        }
    }
}
