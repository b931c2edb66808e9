using System.Globalization;
using Harness.Engines;
using Harness.Metrics;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Harness.Scenarios;

/// <summary>Reads a scenario YAML file (plus <c>--set</c> overrides) into a checked <see cref="Scenario"/>.</summary>
internal static class ScenarioLoader
{
    public static Scenario Load(string path, IEnumerable<string>? overrides = null, bool quick = false)
    {
        if (!File.Exists(path))
        {
            throw new HarnessInputException($"scenario file '{path}' does not exist");
        }

        YamlMappingNode root;
        try
        {
            var stream = new YamlStream();
            using (var reader = new StreamReader(path))
            {
                stream.Load(reader);
            }

            root = stream.Documents.Count > 0 && stream.Documents[0].RootNode is YamlMappingNode m
                ? m
                : throw new HarnessInputException($"{path}:1:1: a scenario must be a YAML mapping (name:, model:, engine:, ...)");
        }
        catch (YamlException ex)
        {
            throw new HarnessInputException($"{path}:{ex.Start.Line}:{ex.Start.Column}: invalid YAML: {ex.InnerException?.Message ?? ex.Message}");
        }

        ScenarioOverrides.Apply(root, overrides ?? []);
        Scenario scenario = Bind(new YamlCursor(root, path, string.Empty), path);
        return quick ? QuickScenario.Shrink(scenario) : scenario;
    }

    /// <summary>The model a scenario that names none runs: the embedded default model.</summary>
    public const string DefaultModel = "default";

    private static Scenario Bind(YamlCursor doc, string path)
    {
        string name = doc.String("name") ?? Path.GetFileNameWithoutExtension(path);
        // Without a model the scenario runs the project's own trained model, which ships with it.
        string model = doc.String("model") ?? DefaultModel;
        EngineSpec engine = BindEngine(doc);
        var scenario = new Scenario(
            Name: name,
            Description: doc.String("description") ?? string.Empty,
            SourcePath: path,
            Model: model,
            Engine: engine,
            Workload: BindWorkload(doc),
            Load: BindLoad(doc),
            Slo: BindSlo(doc),
            Warmup: NonNegative(doc, "warmup", doc.Int("warmup") ?? 1),
            Repetitions: Positive(doc, "repetitions", doc.Int("repetitions") ?? 1),
            Seed: ulong.Parse(doc.String("seed") ?? "0", CultureInfo.InvariantCulture),
            Limits: BindLimits(doc),
            Accuracy: AccuracySpecBinder.Bind(doc, path, model, engine.Name ?? EngineRegistry.Default.DefaultEngine));
        doc.RejectUnknownKeys();
        return scenario;
    }

    private static EngineSpec BindEngine(YamlCursor doc)
    {
        YamlCursor? engine = doc.Mapping("engine");
        if (engine is null)
        {
            return new EngineSpec(null, new Dictionary<string, IReadOnlyList<string>>(), new Dictionary<string, string>());
        }

        var matrix = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        if (engine.Mapping("matrix") is { } m)
        {
            foreach (string key in m.Keys.ToList())
            {
                IReadOnlyList<string> values = m.Strings(key)!;
                if (values.Count == 0)
                {
                    throw m.Error(key, $"'engine.matrix.{key}' lists no values");
                }

                matrix[key] = values;
            }
        }

        var variants = new List<KeyValuePair<string, IReadOnlyDictionary<string, string>>>();
        if (engine.Mapping("variants") is { } v)
        {
            if (matrix.Count > 0)
            {
                throw engine.Error("variants", "'engine.variants' and 'engine.matrix' cannot both be given: list every variant, or let the matrix combine values");
            }

            foreach (string name in v.Keys.ToList())
            {
                IReadOnlyDictionary<string, string> options = v.Mapping(name)?.ScalarMap() ?? throw v.Error(name, $"'engine.variants.{name}' must be a mapping of options (use {{}} for none)");
                variants.Add(new(name, options));
            }

            if (variants.Count == 0)
            {
                throw engine.Error("variants", "'engine.variants' lists no variants");
            }
        }

        var spec = new EngineSpec(engine.String("name"), matrix, engine.Mapping("options")?.ScalarMap() ?? new Dictionary<string, string>(), variants);
        engine.RejectUnknownKeys();
        return spec;
    }

    private static WorkloadSpec BindWorkload(YamlCursor doc)
    {
        YamlCursor w = doc.Mapping("workload") ?? throw doc.Error("workload", "'workload' is required (synthetic lengths or a trace)");
        YamlCursor? prefix = w.Mapping("shared_prefix");
        string? trace = w.String("trace");
        var spec = new WorkloadSpec(
            Requests: Positive(w, "requests", w.Int("requests") ?? 100),
            InputTokens: BindDistribution(w, "input_tokens", trace is null),
            OutputTokens: BindDistribution(w, "output_tokens", trace is null),
            SharedPrefixGroups: prefix?.Int("groups") ?? 0,
            SharedPrefixTokens: prefix?.Int("tokens") ?? 0,
            Trace: trace,
            TimeScale: w.Double("time_scale") ?? 1.0,
            WindowStartS: w.Double("window_start_s"),
            WindowEndS: w.Double("window_end_s"),
            MaxRequests: w.Int("max_requests"),
            ClipToContext: w.Bool("clip_to_context") ?? true,
            LengthScale: w.Double("length_scale") ?? 1.0);
        if (spec.TimeScale <= 0)
        {
            throw w.Error("time_scale", "'workload.time_scale' must be positive");
        }

        if (spec.LengthScale <= 0 || !double.IsFinite(spec.LengthScale))
        {
            throw w.Error("length_scale", "'workload.length_scale' must be a positive number");
        }

        if (spec.LengthScale != 1.0 && trace is null)
        {
            throw w.Error("length_scale", "'workload.length_scale' applies to trace replay only (synthetic lengths are set directly)");
        }

        prefix?.RejectUnknownKeys();
        w.RejectUnknownKeys();
        return spec;
    }

    private static DistributionSpec BindDistribution(YamlCursor w, string key, bool required)
    {
        // A bare number is a fixed length; only a mapping is read as a distribution.
        YamlCursor? d = w.IsScalar(key) ? null : w.Mapping(key);
        if (d is null)
        {
            // A bare number means a fixed length.
            if (w.Int(key) is { } fixedValue)
            {
                return new DistributionSpec("fixed", Value: fixedValue, Min: fixedValue, Max: fixedValue);
            }

            return required
                ? throw w.Error(key, $"'workload.{key}' is required for a synthetic workload (a number or {{dist: uniform, min: .., max: ..}})")
                : new DistributionSpec("fixed", Value: 1);
        }

        string kind = d.String("dist") ?? "fixed";
        var spec = new DistributionSpec(
            Kind: kind,
            Value: d.Double("value") ?? 0,
            Min: d.Double("min") ?? 1,
            Max: d.Double("max") ?? double.MaxValue,
            Mean: d.Double("mean") ?? 0,
            Std: d.Double("std") ?? 0,
            Values: d.Strings("values")?.Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToList(),
            Weights: d.Strings("weights")?.Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToList());
        string[] kinds = ["fixed", "uniform", "normal", "lognormal", "histogram"];
        if (!kinds.Contains(kind))
        {
            throw d.Error("dist", $"'workload.{key}.dist' must be one of {string.Join(", ", kinds)}, not '{kind}'");
        }

        d.RejectUnknownKeys();
        return spec;
    }

    private static LoadSpec BindLoad(YamlCursor doc)
    {
        YamlCursor? l = doc.Mapping("load");
        if (l is null)
        {
            return new LoadSpec("single", 1, 1, 1, 4);
        }

        string pattern = l.String("pattern") ?? "single";
        if (!LoadSpec.Patterns.Contains(pattern))
        {
            throw l.Error("pattern", $"'load.pattern' must be one of {string.Join("|", LoadSpec.Patterns)}, not '{pattern}'");
        }

        var spec = new LoadSpec(pattern, l.Double("rate") ?? 1, l.Int("concurrency") ?? 1, l.Double("burstiness") ?? 1, l.Int("sweep_steps") ?? 4);
        if (pattern is "poisson" or "gamma" && spec.Rate <= 0)
        {
            throw l.Error("rate", "'load.rate' must be positive (requests per second)");
        }

        if (spec.Concurrency < 1)
        {
            throw l.Error("concurrency", "'load.concurrency' must be at least 1");
        }

        if (spec.Burstiness <= 0)
        {
            throw l.Error("burstiness", "'load.burstiness' must be positive (1 = Poisson)");
        }

        l.RejectUnknownKeys();
        return spec;
    }

    private static SloSpec BindSlo(YamlCursor doc)
    {
        YamlCursor? s = doc.Mapping("slo");
        if (s is null)
        {
            return new SloSpec(null, null, null);
        }

        var spec = new SloSpec(s.Double(MetricDefinitions.TtftMs), s.Double(MetricDefinitions.TpotMs), s.Double(MetricDefinitions.E2eMs));
        s.RejectUnknownKeys();
        return spec;
    }

    private static LimitsSpec BindLimits(YamlCursor doc)
    {
        YamlCursor? l = doc.Mapping("limits");
        if (l is null)
        {
            return new LimitsSpec(null, null);
        }

        var spec = new LimitsSpec(l.Int("max_requests"), l.Double("duration_s"));
        l.RejectUnknownKeys();
        return spec;
    }

    private static int Positive(YamlCursor c, string key, int value) =>
        value > 0 ? value : throw c.Error(key, $"'{key}' must be positive, not {value}");

    private static int NonNegative(YamlCursor c, string key, int value) =>
        value >= 0 ? value : throw c.Error(key, $"'{key}' must not be negative");
}
