using System.Text.Json;

namespace Harness.Engines.Llama.Tools.Training;

/// <summary>What <c>distill</c> writes beside the student (distillation.json, snake_case like training.json).</summary>
internal sealed record DistillationRecord(
    string Teacher,
    long TeacherParameters,
    long StudentParameters,
    TrainOptions Options,
    double Temperature,
    double HardLabelWeight,
    double TrainingSeconds,
    double TeacherPerplexityPerToken,
    double StudentPerplexityPerToken,
    double UnigramPerplexityPerToken,
    double StudentKlToTeacher,
    long StudentBytesOnDisk,
    double TeacherDecodeTokensPerS,
    double StudentDecodeTokensPerS)
{
    public const string FileName = "distillation.json";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public void Write(string directory) => File.WriteAllText(Path.Combine(directory, FileName), JsonSerializer.Serialize(this, Json));
}
