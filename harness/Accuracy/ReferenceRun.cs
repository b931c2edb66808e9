using Harness.Engines;
using Harness.Scenarios;
using Harness.Workloads;

namespace Harness.Accuracy;

/// <summary>
/// Produces the <see cref="ReferenceOutputs"/> once per run on the reference engine: fidelity sequences (workload-like
/// prompts continued by seeded sampling, or chunks of a text), greedy continuations of fixed prompts, and the
/// reference's logits over every fidelity sequence. Sampling and greedy requests go to the engine together.
/// </summary>
internal static class ReferenceRun
{
    private const long FidelityPromptStream = 31;
    private const long GreedyPromptStream = 32;
    private const long SamplingStream = 33;

    /// <exception cref="EngineException">The engine cannot score sequences, or failed a request.</exception>
    public static async Task<ReferenceOutputs> ComputeAsync(IInferenceEngine engine, AccuracyPlan plan, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(plan);
        var notes = new List<string>();
        ISequenceScorer? scorer = engine as ISequenceScorer;
        int vocab = engine.VocabSize ?? engine.Tokenizer?.VocabSize
            ?? throw new EngineException($"engine {engine.Capabilities.Engine} has neither a tokenizer nor a known vocabulary, so accuracy prompts cannot be built");

        var requests = new List<GenerationRequest>();
        int[][] fidelityPrompts = [];
        int[][] textSequences = [];
        if (plan.Spec.Fidelity is { } && scorer is null)
        {
            // Greedy agreement needs only generation, so the reference goes on without the fidelity sequences.
            notes.Add($"kl_mean, top1_agreement: n/a: {AccuracyMeter.CannotScore(engine)}");
        }

        if (plan.Spec.Fidelity is { } f && scorer is not null)
        {
            if (plan.FidelityText is string text)
            {
                textSequences = TextSequences(engine.Tokenizer!, text, f.Sequences, f.Length);
                if (textSequences.Length < f.Sequences)
                {
                    notes.Add($"fidelity: the text gives {textSequences.Length} sequences of {f.Length} tokens, not the {f.Sequences} asked");
                }
            }
            else
            {
                fidelityPrompts = Prompts(engine, vocab, plan.Seed, FidelityPromptStream, f.Sequences, f.PromptTokens);
                var sampling = new SamplingParams(f.Temperature);
                requests.AddRange(fidelityPrompts.Select((p, i) => new GenerationRequest(
                    $"accuracy/reference/fidelity/{i}",
                    p,
                    f.Length - f.PromptTokens,
                    sampling with { Seed = SplitMix64.Derive(plan.Seed, SamplingStream, i) },
                    IgnoreEos: true)));
            }
        }

        int[][] greedyPrompts = plan.Spec.Greedy is { } g ? Prompts(engine, vocab, plan.Seed, GreedyPromptStream, g.Prompts, g.PromptTokens) : [];
        requests.AddRange(greedyPrompts.Select((p, i) => GreedyRequest($"accuracy/reference/greedy/{i}", p, plan.Spec.Greedy!)));

        int[][] outputs = await EngineGeneration.GenerateAllAsync(engine, requests, oneAtATime: false, cancellationToken).ConfigureAwait(false);
        int[][] sequences = plan.FidelityText is not null ? textSequences : [.. fidelityPrompts.Select((p, i) => (int[])[.. p, .. outputs[i]])];
        int[][] greedyOutputs = outputs[fidelityPrompts.Length..];
        var logits = new List<float[]>(sequences.Length);
        foreach (int[] sequence in sequences)
        {
            cancellationToken.ThrowIfCancellationRequested();
            logits.Add(scorer!.ScoreSequence(sequence));
        }

        return new ReferenceOutputs(sequences, logits, vocab, greedyPrompts, greedyOutputs, engine.Memory.WeightsBytes, notes);
    }

    /// <summary>A greedy request as every variant sends it: same id scheme, EOS ignored so all continuations are full length.</summary>
    public static GenerationRequest GreedyRequest(string id, int[] prompt, GreedySpec greedy) =>
        new(id, prompt, greedy.Tokens, SamplingParams.Greedy, IgnoreEos: true);

    /// <summary>Workload-like prompts: the tokenizer's encoding of the workload's word stream, or uniform ids in token-id mode.</summary>
    private static int[][] Prompts(IInferenceEngine engine, int vocab, long seed, long stream, int count, int tokens)
    {
        long promptSeed = SplitMix64.DeriveInt(seed, stream);
        PromptBuilder builder = engine.Tokenizer is { } t ? new PromptBuilder(promptSeed, t) : new PromptBuilder(promptSeed, vocab);
        return [.. Enumerable.Range(0, count).Select(i => builder.Build(new WorkloadRequest(i, null, tokens, 0, $"accuracy:{stream}:{i}")))];
    }

    /// <summary>Consecutive chunks of the text's tokens, BOS first when the tokenizer has one, each exactly <paramref name="length"/> long.</summary>
    private static int[][] TextSequences(ITokenizer tokenizer, string text, int count, int length)
    {
        IReadOnlyList<int> tokens = tokenizer.Encode(text);
        int body = tokenizer.BosTokenId is null ? length : length - 1;
        var sequences = new List<int[]>();
        for (int start = 0; start + body <= tokens.Count && sequences.Count < count; start += body)
        {
            IEnumerable<int> chunk = tokens.Skip(start).Take(body);
            sequences.Add(tokenizer.BosTokenId is int bos ? [bos, .. chunk] : [.. chunk]);
        }

        return [.. sequences];
    }
}
