using Harness.Accuracy;
using Harness.Engines;

namespace Harness.Scenarios;

/// <summary>
/// Reads the scenario's <c>accuracy:</c> section. Files are resolved against the scenario file's folder and must
/// exist; a text-based measurement on a model without a tokenizer is refused here, before anything runs.
/// </summary>
internal static class AccuracySpecBinder
{
    /// <param name="engine">The scenario's default engine, which says whether <paramref name="model"/> has a tokenizer.</param>
    public static AccuracySpec? Bind(YamlCursor doc, string scenarioPath, string model, string engine)
    {
        ArgumentNullException.ThrowIfNull(doc);
        YamlCursor? a = doc.Mapping("accuracy");
        if (a is null)
        {
            return null;
        }

        string folder = Path.GetDirectoryName(Path.GetFullPath(scenarioPath)) ?? ".";
        var spec = new AccuracySpec(
            a.String("reference"),
            BindFidelity(a, folder),
            BindGreedy(a),
            BindPerplexity(a, folder),
            BindExactMatch(a, folder),
            BindLoadAgreement(a));
        a.RejectUnknownKeys();
        if (spec is { Fidelity: null, Greedy: null, Perplexity: null, ExactMatch: null, LoadAgreement: null })
        {
            throw doc.Error("accuracy", "'accuracy' measures nothing: add fidelity, greedy, perplexity, exact_match or load_agreement");
        }

        bool? hasTokenizer = EngineRegistry.Default.Find(engine)?.HasTokenizer(model);
        if (hasTokenizer == false)
        {
            foreach ((string key, bool needsText) in new[] { ("perplexity", spec.Perplexity is not null), ("exact_match", spec.ExactMatch is not null), ("fidelity", spec.Fidelity?.Text is not null) })
            {
                if (needsText)
                {
                    throw a.Error(key, $"'accuracy.{key}' needs text, but model '{model}' has no tokenizer (token-id mode): remove it or use a model with a tokenizer");
                }
            }
        }

        return spec;
    }

    private static FidelitySpec? BindFidelity(YamlCursor a, string folder)
    {
        YamlCursor? f = a.Mapping("fidelity");
        if (f is null)
        {
            return null;
        }

        var d = new FidelitySpec();
        var spec = new FidelitySpec(
            AtLeast(f, "sequences", f.Int("sequences") ?? d.Sequences, 1),
            AtLeast(f, "length", f.Int("length") ?? d.Length, 2),
            AtLeast(f, "prompt_tokens", f.Int("prompt_tokens") ?? d.PromptTokens, 1),
            f.Double("temperature") ?? d.Temperature,
            ExistingFile(f, "text", folder));
        if (!(spec.Temperature > 0 && double.IsFinite(spec.Temperature)))
        {
            throw f.Error("temperature", "'accuracy.fidelity.temperature' must be a positive number (the reference samples the sequences)");
        }

        if (spec.Text is null && spec.PromptTokens >= spec.Length)
        {
            throw f.Error("prompt_tokens", $"'accuracy.fidelity.prompt_tokens' ({spec.PromptTokens}) must be below 'length' ({spec.Length}): the rest is sampled from the reference");
        }

        f.RejectUnknownKeys();
        return spec;
    }

    private static GreedySpec? BindGreedy(YamlCursor a)
    {
        YamlCursor? g = a.Mapping("greedy");
        if (g is null)
        {
            return null;
        }

        var d = new GreedySpec();
        var spec = new GreedySpec(
            AtLeast(g, "prompts", g.Int("prompts") ?? d.Prompts, 1),
            AtLeast(g, "tokens", g.Int("tokens") ?? d.Tokens, 1),
            AtLeast(g, "prompt_tokens", g.Int("prompt_tokens") ?? d.PromptTokens, 1));
        g.RejectUnknownKeys();
        return spec;
    }

    private static PerplexitySpec? BindPerplexity(YamlCursor a, string folder)
    {
        YamlCursor? p = a.Mapping("perplexity");
        if (p is null)
        {
            return null;
        }

        string text = ExistingFile(p, "text", folder) ?? throw p.Error("text", "'accuracy.perplexity.text' is required (a held-out text file)");
        var spec = new PerplexitySpec(
            text,
            AtLeast(p, "window", p.Int("window") ?? new PerplexitySpec(text).Window, 2),
            p.Int("max_windows") is int m ? AtLeast(p, "max_windows", m, 1) : null);
        p.RejectUnknownKeys();
        return spec;
    }

    private static ExactMatchSpec? BindExactMatch(YamlCursor a, string folder)
    {
        YamlCursor? e = a.Mapping("exact_match");
        if (e is null)
        {
            return null;
        }

        string file = ExistingFile(e, "file", folder) ?? throw e.Error("file", "'accuracy.exact_match.file' is required (JSONL with prompt and expected per line)");
        var d = new ExactMatchSpec(file);
        var spec = new ExactMatchSpec(
            file,
            AtLeast(e, "max_tokens", e.Int("max_tokens") ?? d.MaxTokens, 1),
            e.String("match") ?? d.Match,
            e.Int("max_items") is int m ? AtLeast(e, "max_items", m, 1) : null);
        if (!ExactMatch.Rules.Contains(spec.Match))
        {
            throw e.Error("match", $"'accuracy.exact_match.match' must be one of {string.Join(", ", ExactMatch.Rules)}, not '{spec.Match}'");
        }

        e.RejectUnknownKeys();
        return spec;
    }

    /// <summary><c>load_agreement: true</c>, <c>false</c>, or <c>{max_requests: N}</c>.</summary>
    private static LoadAgreementSpec? BindLoadAgreement(YamlCursor a)
    {
        if (a.IsScalar("load_agreement"))
        {
            return a.Bool("load_agreement") == true ? new LoadAgreementSpec() : null;
        }

        YamlCursor? l = a.Mapping("load_agreement");
        if (l is null)
        {
            return null;
        }

        var spec = new LoadAgreementSpec(l.Int("max_requests") is int m ? AtLeast(l, "max_requests", m, 1) : null);
        l.RejectUnknownKeys();
        return spec;
    }

    private static string? ExistingFile(YamlCursor c, string key, string folder)
    {
        string? value = c.String(key);
        if (value is null)
        {
            return null;
        }

        string path = Path.GetFullPath(Path.Combine(folder, value));
        return File.Exists(path) ? path : throw c.Error(key, $"'{c.PathOf(key)}': file '{value}' does not exist (looked for {path}; paths are relative to the scenario file)");
    }

    private static int AtLeast(YamlCursor c, string key, int value, int min) =>
        value >= min ? value : throw c.Error(key, $"'{c.PathOf(key)}' must be at least {min}, not {value}");
}
