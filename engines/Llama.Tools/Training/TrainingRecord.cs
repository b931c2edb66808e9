using System.Text.Json;

namespace Harness.Engines.Llama.Tools.Training;

/// <summary>
/// How a model was made, written beside it as <see cref="FileName"/>: the corpus (source, hash, sizes), the options,
/// the results, and the unigram counts of the training split so the baseline can be recomputed without the corpus.
/// </summary>
internal sealed record TrainingRecord
{
    public const string FileName = "training.json";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public required string CorpusSource { get; init; }

    public required string CorpusSha256 { get; init; }

    public required int TrainDocuments { get; init; }

    public required long TrainBytes { get; init; }

    public required long TrainTokens { get; init; }

    public required int HeldOutDocuments { get; init; }

    public required long HeldOutBytes { get; init; }

    public required TrainOptions Options { get; init; }

    public required long Parameters { get; init; }

    public required int StepsDone { get; init; }

    public required double TrainingSeconds { get; init; }

    /// <summary>Training throughput of the session that finished the run; null when it resumed a finished checkpoint.</summary>
    public required double? TokensPerSecond { get; init; }

    /// <summary>Mean training loss (nats per token) over the last 50 steps of the session that finished the run; null as above.</summary>
    public required double? FinalLoss { get; init; }

    public required double HeldOutPerplexityPerToken { get; init; }

    public required double HeldOutPerplexityPerByte { get; init; }

    public required double UnigramPerplexityPerToken { get; init; }

    public required double UnigramPerplexityPerByte { get; init; }

    public required IReadOnlyList<long> UnigramCounts { get; init; }

    public static TrainingRecord Read(string directory) =>
        JsonSerializer.Deserialize<TrainingRecord>(File.ReadAllText(Path.Combine(directory, FileName)), Json)
        ?? throw new EngineException($"{directory}: empty {FileName}");

    public void Write(string directory) => File.WriteAllText(Path.Combine(directory, FileName), JsonSerializer.Serialize(this, Json));
}
