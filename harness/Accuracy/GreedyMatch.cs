namespace Harness.Accuracy;

/// <summary>How far two generated token sequences agree from their start.</summary>
internal static class GreedyMatch
{
    /// <summary>Length of the longest common prefix: the tokens generated before the first disagreement.</summary>
    public static int CommonPrefix(IReadOnlyList<int> a, IReadOnlyList<int> b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        int n = Math.Min(a.Count, b.Count);
        int i = 0;
        while (i < n && a[i] == b[i])
        {
            i++;
        }

        return i;
    }
}
