using System.Globalization;
using Harness.Results;

namespace Harness.Accuracy;

/// <summary>How accuracy figures read in reports and on the console: "value [low, high]", with n/a where there is none.</summary>
internal static class AccuracyText
{
    public const string NotAvailable = "n/a";

    /// <summary>KL in nats: often tiny, so three significant digits, in exponent form below 0.001.</summary>
    public static string Kl(AccuracyFigure? f) => Format(f, v => v != 0 && Math.Abs(v) < 1e-3
        ? v.ToString("0.00e+00", CultureInfo.InvariantCulture)
        : v.ToString("G3", CultureInfo.InvariantCulture));

    /// <summary>A proportion as a percentage with one decimal.</summary>
    public static string Percent(AccuracyFigure? f) => Format(f, v => (v * 100).ToString("F1", CultureInfo.InvariantCulture) + " %");

    /// <summary>Token counts and perplexities with two decimals.</summary>
    public static string Number(AccuracyFigure? f) => Format(f, v => v.ToString("F2", CultureInfo.InvariantCulture));

    /// <summary>Headers of <see cref="Cells"/>.</summary>
    public static IReadOnlyList<string> Headers { get; } = ["KL mean (nats/token)", "top-1 agreement", "greedy match (tokens)", "perplexity", "exact match", "load agreement"];

    /// <summary>The figures of a variant as table cells, in the order of <see cref="Headers"/>.</summary>
    public static IReadOnlyList<string> Cells(VariantAccuracy a)
    {
        ArgumentNullException.ThrowIfNull(a);
        return [Kl(a.KlMean), Percent(a.Top1Agreement), Number(a.GreedyMatchTokens), Number(a.Perplexity), Percent(a.ExactMatch), Percent(a.LoadAgreement)];
    }

    /// <summary>The whole of a variant's accuracy on one line, for progress output.</summary>
    public static string Summary(VariantAccuracy a)
    {
        ArgumentNullException.ThrowIfNull(a);
        var parts = new List<string>();
        void Add(string name, AccuracyFigure? f, Func<AccuracyFigure?, string> format)
        {
            if (f is not null)
            {
                parts.Add($"{name} {format(f)} (n={f.N})");
            }
        }

        Add("KL", a.KlMean, Kl);
        Add("top-1", a.Top1Agreement, Percent);
        Add("greedy match tokens", a.GreedyMatchTokens, Number);
        Add("perplexity", a.Perplexity, Number);
        Add("exact match", a.ExactMatch, Percent);
        Add("load agreement", a.LoadAgreement, Percent);
        string line = parts.Count == 0 ? "no figure" : string.Join(", ", parts);
        return a.Notes.Count == 0 ? line : $"{line}; {string.Join("; ", a.Notes)}";
    }

    private static string Format(AccuracyFigure? f, Func<double, string> value) =>
        f is null || !double.IsFinite(f.Value) ? NotAvailable : $"{value(f.Value)} [{value(f.CiLow)}, {value(f.CiHigh)}]";
}
