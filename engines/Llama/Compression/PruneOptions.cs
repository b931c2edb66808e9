using System.Globalization;

namespace Harness.Engines.Llama.Compression;

/// <summary>
/// A pruning of every decoder-layer matrix (q, k, v, output, gate, up, down; the embedding, LM head and norms are
/// kept, as SparseGPT and Wanda keep them), written as the engine option <c>prune</c>: <c>magnitude:0.5</c>,
/// <c>wanda:0.5</c>, <c>2:4</c> (or <c>magnitude-2:4</c>), <c>wanda-2:4</c>, or <c>mlp:0.25</c> (a quarter of the MLP
/// channels removed, leaving smaller dense matrices).
/// </summary>
/// <param name="Fraction">Share of weights (or of MLP channels) removed; 0.5 for 2:4.</param>
public sealed record PruneOptions(PruneMethod Method, double Fraction)
{
    /// <summary>Calibration sequences sampled from the dense model, and their length, for the activation-aware methods.</summary>
    public const int CalibrationSequences = 4;

    /// <inheritdoc cref="CalibrationSequences"/>
    public const int CalibrationLength = 64;

    public static string Forms => "magnitude:F, wanda:F, 2:4, magnitude-2:4, wanda-2:4 or mlp:F with 0 < F < 1";

    /// <summary>Wanda's score and the channel importance need activations; magnitude does not.</summary>
    public bool NeedsCalibration => Method is PruneMethod.Wanda or PruneMethod.Wanda24 or PruneMethod.MlpChannels;

    /// <summary>Null for null or "none".</summary>
    /// <exception cref="EngineException">Not one of <see cref="Forms"/>.</exception>
    public static PruneOptions? Parse(string? text)
    {
        if (text is null || text.Equals("none", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        string t = text.Trim().ToLowerInvariant();
        if (t is "2:4" or "magnitude-2:4")
        {
            return new PruneOptions(PruneMethod.Magnitude24, 0.5);
        }

        if (t == "wanda-2:4")
        {
            return new PruneOptions(PruneMethod.Wanda24, 0.5);
        }

        int colon = t.IndexOf(':', StringComparison.Ordinal);
        PruneMethod? method = colon < 0 ? null : t[..colon] switch
        {
            "magnitude" => PruneMethod.Magnitude,
            "wanda" => PruneMethod.Wanda,
            "mlp" => PruneMethod.MlpChannels,
            _ => null,
        };
        if (method is null || !double.TryParse(t[(colon + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out double fraction) || fraction is <= 0 or >= 1)
        {
            throw new EngineException($"prune '{text}' is not one of {Forms}");
        }

        return new PruneOptions(method.Value, fraction);
    }

    public override string ToString() => Method switch
    {
        PruneMethod.Magnitude24 => "2:4",
        PruneMethod.Wanda24 => "wanda-2:4",
        PruneMethod.Magnitude => $"magnitude:{Fraction.ToString(CultureInfo.InvariantCulture)}",
        PruneMethod.Wanda => $"wanda:{Fraction.ToString(CultureInfo.InvariantCulture)}",
        _ => $"mlp:{Fraction.ToString(CultureInfo.InvariantCulture)}",
    };
}
