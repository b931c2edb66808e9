using Harness.Engines;
using Harness.Results;
using Harness.Scenarios;

namespace Harness.Accuracy;

/// <summary>
/// Measures one variant's accuracy on its own engine, after its performance run: teacher-forced KL and top-1
/// agreement and greedy agreement against the reference's outputs, perplexity and exact match on their own. Each
/// measurement stands alone: one that fails (or does not apply) leaves a note and the others still run.
/// </summary>
internal static class AccuracyMeter
{
    public static async Task<VariantAccuracy> MeasureAsync(
        IInferenceEngine engine,
        AccuracyPlan plan,
        ReferenceOutputs? reference,
        string? referenceError,
        bool isReference,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(plan);
        var notes = new List<string>();
        AccuracyFigure? kl = null, top1 = null, greedy = null, perplexity = null, exactMatch = null;
        ISequenceScorer? scorer = engine as ISequenceScorer;
        AccuracySpec spec = plan.Spec;

        async Task Measure(string what, Func<Task> measure)
        {
            try
            {
                await measure().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not (OperationCanceledException or OutOfMemoryException))
            {
                notes.Add($"{what}: failed: {ex.Message.ReplaceLineEndings(" ")}");
            }
        }

        if (spec.NeedsReference && reference is null)
        {
            notes.Add($"kl_mean, top1_agreement, greedy_match_tokens: not measured: the reference outputs are missing ({referenceError ?? "not computed"})");
        }

        if (spec.Fidelity is not null && scorer is null)
        {
            notes.Add($"kl_mean, top1_agreement: n/a: {CannotScore(engine)}");
        }
        else if (spec.Fidelity is not null && reference is { Sequences.Count: 0 })
        {
            notes.Add("kl_mean, top1_agreement: n/a: the reference produced no fidelity sequences (see the run's accuracy notes)");
        }
        else if (spec.Fidelity is not null && reference is not null)
        {
            await Measure("kl_mean, top1_agreement", () =>
            {
                (kl, top1) = Fidelity(Scorer(scorer, engine, "fidelity"), reference, cancellationToken);
                return Task.CompletedTask;
            }).ConfigureAwait(false);
        }

        if (spec.Greedy is { } g && reference is not null)
        {
            await Measure("greedy_match_tokens", async () =>
            {
                GenerationRequest[] requests = [.. reference.GreedyPrompts.Select((p, i) => ReferenceRun.GreedyRequest($"accuracy/greedy/{i}", p, g))];
                int[][] outputs = await EngineGeneration.GenerateAllAsync(engine, requests, oneAtATime: false, cancellationToken).ConfigureAwait(false);
                double[] prefixes = [.. outputs.Select((o, i) => (double)GreedyMatch.CommonPrefix(o, reference.GreedyOutputs[i]))];
                greedy = AccuracyFigures.Mean(prefixes, "prompts", outputs.Sum(o => (long)o.Length));
            }).ConfigureAwait(false);
        }

        if (spec.Perplexity is not null && scorer is null)
        {
            notes.Add($"perplexity: n/a: {CannotScore(engine)}");
        }
        else if (spec.Perplexity is { } p && plan.PerplexityText is string text)
        {
            await Measure("perplexity", () =>
            {
                perplexity = Perplexity(Scorer(scorer, engine, "perplexity"), Tokenizer(engine, "perplexity"), text, p, cancellationToken);
                return Task.CompletedTask;
            }).ConfigureAwait(false);
        }

        if (spec.ExactMatch is { } e)
        {
            await Measure("exact_match", async () =>
            {
                exactMatch = await ExactMatchAsync(engine, Tokenizer(engine, "exact_match"), plan.ExactMatchItems, e, cancellationToken).ConfigureAwait(false);
            }).ConfigureAwait(false);
        }

        return new VariantAccuracy(plan.Reference, isReference, notes, kl, top1, greedy, perplexity, exactMatch);
    }

    private static (AccuracyFigure Kl, AccuracyFigure Top1) Fidelity(ISequenceScorer scorer, ReferenceOutputs reference, CancellationToken cancellationToken)
    {
        if (scorer.VocabSize != reference.VocabSize)
        {
            throw new EngineException($"the variant's vocabulary ({scorer.VocabSize}) differs from the reference's ({reference.VocabSize})");
        }

        int n = reference.Sequences.Count;
        if (n == 0)
        {
            throw new EngineException("no fidelity sequence was produced");
        }

        double[] klSums = new double[n];
        double[] agreements = new double[n];
        double[] positions = new double[n];
        for (int i = 0; i < n; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            SequenceFidelity s = FidelityComparison.Compare(reference.Logits[i], scorer.ScoreSequence(reference.Sequences[i]), scorer.VocabSize);
            (klSums[i], agreements[i], positions[i]) = (s.KlSum, s.Top1Agreements, s.Positions);
        }

        long total = (long)positions.Sum();
        return (AccuracyFigures.Ratio(klSums, positions, "sequences", total), AccuracyFigures.Ratio(agreements, positions, "sequences", total));
    }

    private static AccuracyFigure Perplexity(ISequenceScorer scorer, ITokenizer tokenizer, string text, PerplexitySpec spec, CancellationToken cancellationToken)
    {
        IReadOnlyList<int[]> windows = PerplexityWindows.Split(tokenizer.Encode(text), spec.Window, tokenizer.BosTokenId, spec.MaxWindows);
        if (windows.Count == 0)
        {
            throw new HarnessInputException($"{spec.Text}: the text has fewer than two tokens");
        }

        double[] nll = new double[windows.Count];
        double[] tokens = new double[windows.Count];
        for (int i = 0; i < windows.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            (nll[i], int predicted) = PerplexityWindows.Score(scorer.ScoreSequence(windows[i]), windows[i], scorer.VocabSize);
            tokens[i] = predicted;
        }

        return AccuracyFigures.Ratio(nll, tokens, "windows", (long)tokens.Sum(), Math.Exp);
    }

    private static async Task<AccuracyFigure> ExactMatchAsync(IInferenceEngine engine, ITokenizer tokenizer, IReadOnlyList<ExactMatchItem> items, ExactMatchSpec spec, CancellationToken cancellationToken)
    {
        GenerationRequest[] requests = [.. items.Select((item, i) => new GenerationRequest(
            $"accuracy/exact_match/{i}",
            tokenizer.BosTokenId is int bos ? [bos, .. tokenizer.Encode(item.Prompt)] : [.. tokenizer.Encode(item.Prompt)],
            spec.MaxTokens,
            SamplingParams.Greedy))];
        int[][] outputs = await EngineGeneration.GenerateAllAsync(engine, requests, oneAtATime: false, cancellationToken).ConfigureAwait(false);
        HashSet<int> eos = [.. tokenizer.EosTokenIds];
        int matches = items.Where((item, i) => ExactMatch.IsMatch(tokenizer.Decode(outputs[i].Where(id => !eos.Contains(id))), item.Expected, spec.Match)).Count();
        return AccuracyFigures.Proportion(matches, items.Count, "items");
    }

    /// <summary>Why a teacher-forced measurement does not apply to <paramref name="engine"/>, for the report.</summary>
    public static string CannotScore(IInferenceEngine engine) =>
        $"engine {engine.Capabilities.Engine} cannot score sequences (it returns no teacher-forced logits)";

    private static ISequenceScorer Scorer(ISequenceScorer? scorer, IInferenceEngine engine, string what) =>
        scorer ?? throw new EngineException($"{what}: {CannotScore(engine)}");

    private static ITokenizer Tokenizer(IInferenceEngine engine, string what) =>
        engine.Tokenizer ?? throw new EngineException($"{what} needs a tokenizer and the model has none");
}
