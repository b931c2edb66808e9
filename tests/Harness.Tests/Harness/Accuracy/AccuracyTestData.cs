using Harness.Results;

namespace Harness.Tests.Harness.Accuracy;

/// <summary>Shared inputs of the accuracy tests.</summary>
internal static class AccuracyTestData
{
    public static RunEnvironment Environment { get; } = new("test cpu", 2, 1, "test os", "test .net", new Dictionary<string, string>(), null, "0 0 0");

    /// <summary>The real llama2.c test model (no tokenizer: token-id mode); it loads in well under a second.</summary>
    public static string Stories260K => "llama2c:" + SharedData.Stories260K;

    /// <summary>Writes a scenario file and the task files it names into <paramref name="dir"/>; returns the scenario's path.</summary>
    public static string WriteScenario(string dir, string yaml)
    {
        File.WriteAllText(Path.Combine(dir, "heldout.txt"), "the small river ran past the old mill and the garden. " + string.Concat(Enumerable.Repeat("the people of the town walked out in the morning. ", 20)));
        File.WriteAllText(Path.Combine(dir, "qa.jsonl"), "{\"prompt\": \"Q: 2+2?\\nA:\", \"expected\": \"4\"}\n{\"prompt\": \"Q: sky?\\nA:\", \"expected\": \"blue\"}\n");
        string path = Path.Combine(dir, "scenario.yaml");
        File.WriteAllText(path, yaml);
        return path;
    }
}
