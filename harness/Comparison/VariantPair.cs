using Harness.Results;

namespace Harness.Comparison;

/// <summary>
/// A baseline variant compared with a candidate variant whatever their names: <c>compare R R --pair none:continuous</c>
/// compares two variants of one run, and across two runs a renamed variant still finds its counterpart.
/// </summary>
/// <param name="Baseline">Variant name in the baseline run.</param>
/// <param name="Candidate">Variant name in the candidate run.</param>
internal sealed record VariantPair(string Baseline, string Candidate)
{
    /// <summary>
    /// Reads <c>BASELINE:CANDIDATE</c> against the variants the runs have. A named variant may itself hold a colon,
    /// so the split is the one colon that leaves a baseline variant on the left and a candidate variant on the right.
    /// </summary>
    /// <exception cref="HarnessInputException">No such split; the message names the unknown variant and the ones there are.</exception>
    public static VariantPair Resolve(string spec, RunData baseline, RunData candidate)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(baseline);
        ArgumentNullException.ThrowIfNull(candidate);
        string[] baseNames = RunComparer.VariantNames(baseline);
        string[] candNames = RunComparer.VariantNames(candidate);
        string text = spec.Trim();
        List<VariantPair> splits = [.. Enumerable.Range(0, text.Length)
            .Where(i => text[i] == ':')
            .Select(i => new VariantPair(text[..i].Trim(), text[(i + 1)..].Trim()))
            .Where(p => p.Baseline.Length > 0 && p.Candidate.Length > 0)];
        if (splits.Count == 0)
        {
            throw new HarnessInputException($"bad --pair '{spec}': expected BASELINE:CANDIDATE variant names, e.g. none:continuous");
        }

        List<VariantPair> fits = [.. splits.Where(p => baseNames.Contains(p.Baseline) && candNames.Contains(p.Candidate))];
        if (fits.Count == 1)
        {
            return fits[0];
        }

        if (fits.Count > 1)
        {
            throw new HarnessInputException($"--pair '{spec}' is ambiguous: it splits into {string.Join(" or ", fits.Select(p => $"'{p.Baseline}' and '{p.Candidate}'"))}");
        }

        if (splits.Count > 1)
        {
            throw new HarnessInputException($"--pair '{spec}' names no baseline variant and candidate variant: {baseline.Directory} has {RunComparer.Names(baseNames)}, {candidate.Directory} has {RunComparer.Names(candNames)}");
        }

        VariantPair only = splits[0];
        var unknown = new List<string>();
        if (!baseNames.Contains(only.Baseline))
        {
            unknown.Add($"no variant '{only.Baseline}' in {baseline.Directory} (it has {RunComparer.Names(baseNames)})");
        }

        if (!candNames.Contains(only.Candidate))
        {
            unknown.Add($"no variant '{only.Candidate}' in {candidate.Directory} (it has {RunComparer.Names(candNames)})");
        }

        throw new HarnessInputException($"--pair '{spec}': {string.Join("; ", unknown)}");
    }
}
