using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Harness.Scenarios;

/// <summary>
/// Applies <c>--set path=value</c> overrides to a scenario's YAML tree before it is read, so an override is checked
/// exactly like the file itself. The value is YAML too: <c>--set engine.matrix.precision=[fp32,bf16]</c>.
/// </summary>
internal static class ScenarioOverrides
{
    public static void Apply(YamlMappingNode root, IEnumerable<string> overrides)
    {
        foreach (string entry in overrides)
        {
            int eq = entry.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new HarnessInputException($"--set '{entry}': expected path=value, e.g. load.rate=4");
            }

            string[] path = entry[..eq].Trim().Split('.');
            if (path.Any(string.IsNullOrWhiteSpace))
            {
                throw new HarnessInputException($"--set '{entry}': empty segment in the path");
            }

            YamlNode value = ParseValue(entry, entry[(eq + 1)..]);
            YamlMappingNode parent = root;
            for (int i = 0; i < path.Length - 1; i++)
            {
                var key = new YamlScalarNode(path[i]);
                if (!parent.Children.TryGetValue(key, out YamlNode? child) || child is YamlScalarNode { Value: null or "" or "~" or "null" })
                {
                    child = new YamlMappingNode();
                    parent.Children[key] = child;
                }

                parent = child as YamlMappingNode
                    ?? throw new HarnessInputException($"--set '{entry}': '{string.Join('.', path[..(i + 1)])}' is a value, not a section");
            }

            parent.Children[new YamlScalarNode(path[^1])] = value;
        }
    }

    private static YamlNode ParseValue(string entry, string text)
    {
        if (text.Length == 0)
        {
            return new YamlScalarNode(string.Empty);
        }

        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(text));
            return stream.Documents.Count == 0 ? new YamlScalarNode(text) : stream.Documents[0].RootNode;
        }
        catch (YamlException ex)
        {
            throw new HarnessInputException($"--set '{entry}': the value is not valid YAML ({ex.Message})");
        }
    }
}
