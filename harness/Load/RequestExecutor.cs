using System.Diagnostics;
using Harness.Engines;
using Harness.Metrics;
using Harness.Workloads;

namespace Harness.Load;

/// <summary>
/// Sends one request to the engine and records it. It never throws: an engine error becomes a failed record (Error
/// set) so one bad request cannot stop a run; a cancellation becomes a Cancelled record.
/// </summary>
internal static class RequestExecutor
{
    /// <summary>How load runs choose tokens: greedy, so outputs are comparable (load agreement) and lengths are fixed.</summary>
    public static SamplingParams Sampling { get; } = SamplingParams.Greedy;

    /// <summary>The request as sent to the engine; its id joins engine timelines, client records and accuracy checks.</summary>
    public static GenerationRequest Request(PreparedRequest prepared, RequestLabel label)
    {
        ArgumentNullException.ThrowIfNull(prepared);
        ArgumentNullException.ThrowIfNull(label);
        string id = label.IsWarmup
            ? $"{label.Variant}/warmup/{prepared.Request.Index - WorkloadFactory.WarmupIndexBase}"
            : $"{label.Variant}/r{label.Repetition}/{prepared.Request.Index}";
        return new GenerationRequest(id, prepared.PromptIds, prepared.Request.OutputTokens, Sampling, IgnoreEos: true);
    }

    public static async Task<RequestRecord> ExecuteAsync(IInferenceEngine engine, PreparedRequest prepared, long scheduledAt, RequestLabel label, CancellationToken cancellationToken)
    {
        GenerationRequest request = Request(prepared, label);
        string id = request.Id;
        var tokens = new List<long>(prepared.Request.OutputTokens);
        var ids = new List<int>(prepared.Request.OutputTokens);
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
                ids.Add(token.TokenId);
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
            error,
            [.. ids]);
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();
}
