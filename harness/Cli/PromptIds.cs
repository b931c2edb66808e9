using System.Globalization;

namespace Harness.Cli;

/// <summary>Prompts given directly as token ids (<c>--prompt-ids 1,2,3</c>), for models without a tokenizer.</summary>
internal static class PromptIds
{
    /// <summary>Parses comma-separated non-negative integers; whitespace around each id is allowed.</summary>
    /// <exception cref="HarnessInputException">Empty input, an empty item, a non-number, a negative or an oversized id.</exception>
    public static int[] Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new HarnessInputException("--prompt-ids is empty: expected comma-separated token ids such as 1,2,3");
        }

        string[] items = text.Split(',');
        var ids = new int[items.Length];
        for (int i = 0; i < items.Length; i++)
        {
            string item = items[i].Trim();
            if (item.Length == 0)
            {
                throw new HarnessInputException($"--prompt-ids has an empty item at position {i + 1}: expected comma-separated token ids such as 1,2,3");
            }

            if (!int.TryParse(item, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int id))
            {
                throw new HarnessInputException($"--prompt-ids item '{item}' at position {i + 1} is not a token id (a non-negative integer)");
            }

            if (id < 0)
            {
                throw new HarnessInputException($"--prompt-ids item {id} at position {i + 1} is negative");
            }

            ids[i] = id;
        }

        return ids;
    }

    /// <summary>Checks that every id is below <paramref name="vocabSize"/>.</summary>
    /// <exception cref="HarnessInputException">Names the first id out of range and its position.</exception>
    public static void EnsureInVocab(IReadOnlyList<int> ids, int vocabSize)
    {
        ArgumentNullException.ThrowIfNull(ids);
        for (int i = 0; i < ids.Count; i++)
        {
            if ((uint)ids[i] >= (uint)vocabSize)
            {
                throw new HarnessInputException($"prompt token id {ids[i]} at position {i + 1} is out of range: the model's vocab size is {vocabSize} (ids 0..{vocabSize - 1})");
            }
        }
    }
}
