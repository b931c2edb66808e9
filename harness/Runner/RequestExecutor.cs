using System.Diagnostics;
using Harness.Engines;
using Harness.Metrics;

namespace Harness.Runner;

/// <summary>
/// Sends one request to the engine and records it. It never throws: an engine error becomes a failed record (Error
/// set) so one bad request cannot stop a run; a cancellation becomes a Cancelled record.
/// </summary>
internal static class RequestExecutor
{
    public static async Task<RequestRecord> ExecuteAsync(IInferenceEngine engine, PreparedRequest prepared, long scheduledAt, RequestLabel label, CancellationToken cancellationToken)
    {
        string id = label.IsWarmup
            ? $"{label.Variant}/warmup/{prepared.Request.Index - WorkloadFactory.WarmupIndexBase}"
            : $"{label.Variant}/r{label.Repetition}/{prepared.Request.Index}";
        var request = new GenerationRequest(id, prepared.PromptIds, prepared.Request.OutputTokens, SamplingParams.Greedy, IgnoreEos: true);
        var tokens = new List<long>(prepared.Request.OutputTokens);
        long? computeStart = null;
        FinishReason? finish = null;
        string? error = null;
        long sentAt = Stopwatch.GetTimestamp();
        try
        {
            await foreach (TokenEvent token in engine.GenerateAsync(request, cancellationToken).ConfigureAwait(false))
            {
                computeStart ??= token.ComputeStart;
                tokens.Add(token.Timestamp);
                finish = token.Finish ?? finish;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            finish = FinishReason.Cancelled;
        }
        catch (Exception ex)
        {
            finish = FinishReason.Error;
            error = OneLine(ex.Message);
        }

        long completedAt = Stopwatch.GetTimestamp();
        if (finish == FinishReason.Cancelled)
        {
            error ??= "cancelled before completion";
        }
        else if (error is null && tokens.Count == 0)
        {
            finish = FinishReason.Error;
            error = "the engine returned no tokens";
        }

        return new RequestRecord(
            id,
            label.Variant,
            label.Repetition,
            label.IsWarmup,
            scheduledAt,
            sentAt,
            computeStart,
            [.. tokens],
            completedAt,
            prepared.Request.InputTokens,
            tokens.Count,

            // A stream that ends without a reason stopped at its token budget.
            finish ?? FinishReason.Length,
            error);
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();
}
