using System.Globalization;
using Harness.Engines;
using Harness.Scenarios;

namespace Harness.Accuracy;

/// <summary>
/// A scenario's <c>accuracy:</c> section resolved against its variants before anything runs: which options the
/// reference has and whether a variant of the run is it, the task files read and checked, and the line describing each
/// measurement for the result file.
/// </summary>
/// <param name="Spec">The section as written (after <c>--quick</c>).</param>
/// <param name="Reference">The reference's name in results.</param>
/// <param name="ReferenceVariant">The variant with exactly the reference's options, or null.</param>
/// <param name="ReferenceConfig">The reference's options by scenario key (its <c>engine</c> and <c>model</c> included).</param>
/// <param name="ReferenceEngine">The engine that builds the reference.</param>
/// <param name="ExactMatchItems">The task's items (empty without exact_match).</param>
/// <param name="PerplexityText">The held-out text, or null.</param>
/// <param name="FidelityText">Text to take fidelity sequences from, or null (the reference samples them).</param>
/// <param name="Seed">The scenario seed (prompts and sampling derive from it).</param>
internal sealed record AccuracyPlan(
    AccuracySpec Spec,
    string Reference,
    string? ReferenceVariant,
    IReadOnlyDictionary<string, string> ReferenceConfig,
    string ReferenceEngine,
    IReadOnlyList<ExactMatchItem> ExactMatchItems,
    string? PerplexityText,
    string? FidelityText,
    long Seed)
{
    /// <summary>The reference serves its sampling and greedy requests in continuous batches of at most this many.</summary>
    public const int MaxReferenceBatch = 16;

    /// <exception cref="HarnessInputException">The reference is not a variant, a length does not fit the context, or a task file is malformed.</exception>
    public static AccuracyPlan Resolve(Scenario scenario, IReadOnlyList<EngineVariant> variants)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(variants);
        AccuracySpec spec = scenario.Accuracy ?? throw new ArgumentException("the scenario has no accuracy section", nameof(scenario));
        string where = scenario.SourcePath;
        string reference;
        IReadOnlyDictionary<string, string> config;
        string? referenceVariant;
        string engine;
        if (spec.Reference is string name)
        {
            EngineVariant v = variants.FirstOrDefault(v => v.Name == name)
                ?? throw new HarnessInputException($"{where}: 'accuracy.reference' names '{name}', which is not a variant of this scenario (variants: {string.Join(", ", variants.Select(v => v.Name))})");
            (reference, config, referenceVariant, engine) = (name, v.Config, name, v.Engine);
        }
        else
        {
            // The same engine in fp32: the first variant's options with only the precision changed.
            config = new Dictionary<string, string>(variants[0].Config, StringComparer.Ordinal) { ["precision"] = "fp32" };
            referenceVariant = variants.FirstOrDefault(v => SameOptions(v.Config, config))?.Name;
            reference = referenceVariant ?? $"fp32 (options of variant {variants[0].Name})";
            engine = variants[0].Engine;
        }

        return new AccuracyPlan(
            spec,
            reference,
            referenceVariant,
            config,
            engine,
            spec.ExactMatch is { } e ? ExactMatch.Load(e.File, e.MaxItems) : [],
            spec.Perplexity is { } p ? File.ReadAllText(p.Text) : null,
            spec.Fidelity?.Text is { } t ? File.ReadAllText(t) : null,
            unchecked((long)scenario.Seed));
    }

    /// <summary>
    /// The reference build's engine options: its variant's, with serving changed by its engine so the sampling and
    /// greedy requests run together (outputs do not depend on the batch) in a context just long enough. The run's
    /// reference variant itself is measured as built, so its KL against this build checks that claim.
    /// </summary>
    public IReadOnlyDictionary<string, string> ReferenceEngineOptions(IEngineFactory factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        int batch = Math.Clamp(Math.Max(Spec.Fidelity?.Sequences ?? 0, Spec.Greedy?.Prompts ?? 0), 1, MaxReferenceBatch);
        var variant = new EngineVariant(Reference, ReferenceEngine, ReferenceConfig);
        return factory.ReferenceOptions(variant.EngineOptions, batch, NeededContext);
    }

    /// <summary>Tokens the longest reference sequence needs (fidelity sequences with BOS, greedy prompt + continuation).</summary>
    public int NeededContext => Math.Max((Spec.Fidelity?.Length ?? 0) + 1, Spec.Greedy is { } g ? g.PromptTokens + g.Tokens : 0);

    /// <summary>One line per configured measurement: how its figure and interval are made.</summary>
    public IReadOnlyList<string> Methods()
    {
        var lines = new List<string>();
        if (Spec.Fidelity is { } f)
        {
            string source = FidelityText is not null
                ? $"consecutive chunks of {Path.GetFileName(f.Text)} (BOS first when the tokenizer has one)"
                : $"{f.PromptTokens}-token workload-like prompts followed by {f.Length - f.PromptTokens} tokens sampled from the reference at temperature {Number(f.Temperature)} (seed {Seed})";
            lines.Add($"kl_mean, top1_agreement: {f.Sequences} teacher-forced sequences of {f.Length} tokens, {source}; every position compared; KL(reference || variant) in nats per position from log-softmax in double; 95 % percentile bootstrap over sequences (2000 resamples)");
        }

        if (Spec.Greedy is { } g)
        {
            lines.Add($"greedy_match_tokens: {g.Prompts} workload-like prompts of {g.PromptTokens} tokens, {g.Tokens} greedy tokens each (EOS ignored); mean length of the prefix identical to the reference's continuation; 95 % bootstrap over prompts");
        }

        if (Spec.Perplexity is { } p)
        {
            lines.Add($"perplexity: {Path.GetFileName(p.Text)} in disjoint windows of {p.Window} tokens{(p.MaxWindows is int m ? $" (at most {m})" : string.Empty)}, each scored alone with BOS first when the tokenizer has one; exp(total NLL / tokens predicted); 95 % bootstrap over windows");
        }

        if (Spec.ExactMatch is { } e)
        {
            string rule = e.Match == "exact" ? "equals the expected answer" : "starts with the expected answer";
            lines.Add($"exact_match: {ExactMatchItems.Count} items of {Path.GetFileName(e.File)}, greedy up to {e.MaxTokens} tokens (stopping at EOS); the continuation's first non-empty line, stripped, {rule} (stripped, case-sensitive); 95 % Wilson interval over items");
        }

        if (Spec.LoadAgreement is { } l)
        {
            lines.Add($"load_agreement: each measured request's greedy output under the scenario's load against the same request regenerated alone (one at a time) on the same engine after the run{(l.MaxRequests is int n ? $", for the first {n} distinct requests" : string.Empty)}; 95 % Wilson interval over requests; load_agreement_prefix_tokens: mean identical prefix, 95 % bootstrap over requests");
        }

        return lines;
    }

    /// <summary>Refuses measurements whose sequences do not fit a build's context (its engine's <c>max_context</c>, when it has one).</summary>
    /// <exception cref="HarnessInputException">The first that does not fit, naming the key.</exception>
    public void CheckFits(string where, EngineSettings reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        if (reference.Values.Schema.Contains("max_context") && reference.Values.Integer("max_context") is > 0 and int context)
        {
            CheckFits(where, Spec, context);
        }
    }

    private static void CheckFits(string where, AccuracySpec spec, int context)
    {
        void Check(string what, int tokens)
        {
            if (tokens > context)
            {
                throw new HarnessInputException($"{where}: 'accuracy.{what}' needs {tokens} tokens per sequence, more than its max_context of {context}");
            }
        }

        if (spec.Fidelity is { } f)
        {
            Check("fidelity.length", f.Length);
        }

        if (spec.Greedy is { } g)
        {
            Check("greedy (prompt_tokens + tokens)", g.PromptTokens + g.Tokens);
        }

        if (spec.Perplexity is { } p)
        {
            Check("perplexity.window (+ BOS)", p.Window + 1);
        }
    }

    /// <summary>Equal option maps, an unset precision counting as fp32 (what the implied reference sets).</summary>
    private static bool SameOptions(IReadOnlyDictionary<string, string> a, IReadOnlyDictionary<string, string> b)
    {
        static Dictionary<string, string> Normal(IReadOnlyDictionary<string, string> c)
        {
            var d = c.ToDictionary(kv => kv.Key, kv => kv.Value.Trim().ToLowerInvariant(), StringComparer.Ordinal);
            d.TryAdd("precision", "fp32");
            return d;
        }

        Dictionary<string, string> x = Normal(a);
        Dictionary<string, string> y = Normal(b);
        return x.Count == y.Count && x.All(kv => y.TryGetValue(kv.Key, out string? v) && v == kv.Value);
    }

    private static string Number(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}
