using Harness.Engines.Llama;

namespace Harness.Engines;

/// <summary>The engines the harness can drive, by name, with what each can do.</summary>
internal static class EngineRegistry
{
    public const string Default = "llama";

    public static IReadOnlyList<string> Names { get; } = [Default];

    public static IInferenceEngine Create(string modelSpec, EngineOptions options, string engine = Default) => engine switch
    {
        Default => LlamaEngineFactory.Create(modelSpec, options),
        _ => throw new EngineException($"unknown engine '{engine}' (available: {string.Join(", ", Names)})"),
    };

    /// <summary>Checks one variant's options without building anything (no model is loaded).</summary>
    /// <exception cref="EngineException">The first bad option, in one line.</exception>
    public static void Validate(EngineOptions options, string engine = Default)
    {
        switch (engine)
        {
            case Default:
                LlamaEngineFactory.Validate(options);
                break;
            default:
                throw new EngineException($"unknown engine '{engine}' (available: {string.Join(", ", Names)})");
        }
    }

    public static EngineCapabilities Describe(string engine = Default) => engine switch
    {
        Default => LlamaEngine.DescribeCapabilities(LlamaEngineFactory.DefaultContextCap),
        _ => throw new EngineException($"unknown engine '{engine}' (available: {string.Join(", ", Names)})"),
    };
}
