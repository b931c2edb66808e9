using System.Diagnostics;
using System.Globalization;
using Harness.Engines;
using Harness.Load;
using Harness.Metrics;
using Harness.Results;
using Harness.Runner;
using Harness.Scenarios;
using Harness.Workloads;

namespace Harness.Accuracy;

/// <summary>
/// The accuracy part of one run: the reference outputs, computed once before the first variant on a build of their
/// own, then each variant measured on its own engine right after its performance run. Nothing here can cost the run
/// its performance results: a failure becomes a note or <see cref="AccuracySetup.Error"/>.
/// </summary>
internal sealed class AccuracySession
{
    private readonly ReferenceOutputs? _reference;
    private readonly string? _referenceError;

    private AccuracySession(AccuracyPlan plan, ReferenceOutputs? reference, string? referenceError)
    {
        Plan = plan;
        _reference = reference;
        _referenceError = referenceError;
    }

    public AccuracyPlan Plan { get; }

    /// <summary>Builds the reference engine (when a measurement needs it), computes its outputs and disposes it.</summary>
    /// <param name="build">Builds the reference: its variant's engine and model, with <see cref="AccuracyPlan.ReferenceEngineOptions"/>.</param>
    public static async Task<AccuracySession> StartAsync(
        AccuracyPlan plan,
        Func<IInferenceEngine> build,
        IRunProgress progress,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(build);
        ArgumentNullException.ThrowIfNull(progress);
        if (!plan.Spec.NeedsReference)
        {
            return new AccuracySession(plan, null, null);
        }

        progress.Note($"accuracy: computing the reference outputs ({plan.Reference})");
        long started = Stopwatch.GetTimestamp();
        try
        {
            using IInferenceEngine engine = await Task.Run(build, CancellationToken.None).ConfigureAwait(false);
            ReferenceOutputs outputs = await ReferenceRun.ComputeAsync(engine, plan, cancellationToken).ConfigureAwait(false);
            progress.Note(string.Create(CultureInfo.InvariantCulture, $"accuracy: reference outputs ready after {Stopwatch.GetElapsedTime(started).TotalSeconds:F1} s (build included)"));
            return new AccuracySession(plan, outputs, null);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return new AccuracySession(plan, null, "interrupted");
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            string error = $"the reference could not be computed: {ex.Message.ReplaceLineEndings(" ")}";
            progress.Note($"accuracy: {error}");
            return new AccuracySession(plan, null, error);
        }
    }

    /// <summary>The run-level record: what was measured against and how.</summary>
    public AccuracySetup Setup() => new(
        Plan.Reference,
        Plan.ReferenceVariant,
        Plan.ReferenceConfig,
        _reference?.WeightsBytes ?? 0,
        [.. Plan.Methods(), .. _reference?.Notes ?? []],
        _referenceError);

    /// <summary>
    /// Measures a variant whose load points' results are <paramref name="points"/>: the engine-level figures once, then
    /// load agreement per point from its records.
    /// </summary>
    /// <returns>Each point's result with its accuracy.</returns>
    public async Task<IReadOnlyList<VariantResult>> MeasureAsync(
        IInferenceEngine engine,
        EngineVariant variant,
        IReadOnlyList<PreparedRequest> measuredRequests,
        int repetitions,
        IReadOnlyList<VariantResult> points,
        IReadOnlyList<RequestRecord> records,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(variant);
        ArgumentNullException.ThrowIfNull(points);
        bool isReference = variant.Name == Plan.ReferenceVariant;
        VariantAccuracy shared = await AccuracyMeter.MeasureAsync(engine, Plan, _reference, _referenceError, isReference, cancellationToken).ConfigureAwait(false);
        if (isReference && shared.KlMean is { Value: not 0 } kl)
        {
            // The reference outputs came from a build that batched them; the engine promises batch-invariant outputs.
            shared = WithNote(shared, string.Create(CultureInfo.InvariantCulture, $"the reference variant's KL against the reference outputs is {kl.Value:G3}, not 0: its outputs depend on batching or context length, so every figure here carries that difference too"));
        }
        if (Plan.Spec.LoadAgreement is not { } spec)
        {
            return [.. points.Select(p => p with { Accuracy = shared })];
        }

        var alone = new Dictionary<int, int[]>();
        var results = new List<VariantResult>(points.Count);
        foreach (VariantResult point in points)
        {
            VariantAccuracy accuracy = shared;
            if (!RequestExecutor.Sampling.IsGreedy)
            {
                accuracy = WithNote(accuracy, $"load_agreement: not applicable: the load run sampled at temperature {RequestExecutor.Sampling.Temperature}, so outputs have no single right answer");
            }
            else
            {
                try
                {
                    List<LoadAgreement.Pair> pairs = Pairs(point.Name, measuredRequests, repetitions, records);
                    if (pairs.Count == 0)
                    {
                        accuracy = WithNote(accuracy, "load_agreement: no measured request completed, nothing to compare");
                    }
                    else
                    {
                        (AccuracyFigure agreement, AccuracyFigure prefix, string? note) = await LoadAgreement.MeasureAsync(engine, pairs, spec.MaxRequests, alone, cancellationToken).ConfigureAwait(false);
                        accuracy = accuracy with { LoadAgreement = agreement, LoadAgreementPrefixTokens = prefix };
                        accuracy = note is null ? accuracy : WithNote(accuracy, note);
                    }
                }
                catch (Exception ex) when (ex is not (OperationCanceledException or OutOfMemoryException))
                {
                    accuracy = WithNote(accuracy, $"load_agreement: failed: {ex.Message.ReplaceLineEndings(" ")}");
                }
            }

            results.Add(point with { Accuracy = accuracy });
        }

        return results;
    }

    /// <summary>The point's completed measured requests with their outputs, joined to the requests as sent by id.</summary>
    private static List<LoadAgreement.Pair> Pairs(string point, IReadOnlyList<PreparedRequest> measured, int repetitions, IReadOnlyList<RequestRecord> records)
    {
        var sent = new Dictionary<string, (int Index, GenerationRequest Request)>(StringComparer.Ordinal);
        for (int rep = 0; rep < repetitions; rep++)
        {
            foreach (PreparedRequest p in measured)
            {
                GenerationRequest request = RequestExecutor.Request(p, new RequestLabel(point, rep, IsWarmup: false));
                sent[request.Id] = (p.Request.Index, request);
            }
        }

        return [.. records
            .Where(r => r.Variant == point && !r.IsWarmup && r.Succeeded && r.OutputIds is not null && sent.ContainsKey(r.Id))
            .Select(r => new LoadAgreement.Pair(sent[r.Id].Index, r.OutputIds!, sent[r.Id].Request))];
    }

    private static VariantAccuracy WithNote(VariantAccuracy accuracy, string note) => accuracy with { Notes = [.. accuracy.Notes, note] };
}
