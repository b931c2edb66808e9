using System.Globalization;

namespace Harness.Cli;

/// <summary>Parses <c>--prompt-ids 1,2,3</c>.</summary>
internal static class PromptIds
{
    public static int[] Parse(string text)
    {
        string[] parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0)
        {
            throw new HarnessInputException("--prompt-ids is empty: give comma-separated token ids, e.g. 1,2,3");
        }

        var ids = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out ids[i]))
            {
                throw new HarnessInputException($"--prompt-ids: '{parts[i]}' is not a non-negative token id");
            }
        }

        return ids;
    }
}
