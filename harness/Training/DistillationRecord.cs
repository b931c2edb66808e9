using System.Text.Json.Serialization;

namespace Harness.Training;

/// <summary>What <c>distill</c> writes beside the student (distillation.json).</summary>
internal sealed record DistillationRecord(
    [property: JsonPropertyName("teacher")] string Teacher,
    [property: JsonPropertyName("teacher_parameters")] long TeacherParameters,
    [property: JsonPropertyName("student_parameters")] long StudentParameters,
    [property: JsonPropertyName("options")] TrainOptions Options,
    [property: JsonPropertyName("temperature")] double Temperature,
    [property: JsonPropertyName("hard_label_weight")] double HardLabelWeight,
    [property: JsonPropertyName("training_seconds")] double TrainingSeconds,
    [property: JsonPropertyName("teacher_perplexity_per_token")] double TeacherPerplexity,
    [property: JsonPropertyName("student_perplexity_per_token")] double StudentPerplexity,
    [property: JsonPropertyName("unigram_perplexity_per_token")] double UnigramPerplexity,
    [property: JsonPropertyName("student_kl_to_teacher")] double StudentKl,
    [property: JsonPropertyName("student_bytes_on_disk")] long StudentBytes,
    [property: JsonPropertyName("teacher_decode_tokens_per_s")] double TeacherDecodeTokensPerS,
    [property: JsonPropertyName("student_decode_tokens_per_s")] double StudentDecodeTokensPerS)
{
    public const string FileName = "distillation.json";
}
